// A figure's settings from the outside: its attributes and, for the page's own figure
// (`sync-hash`), the URL hash, read into a state (www/state.js) with a message for every bad
// value, and the state written back to the hash. One job: turning text from the page into
// state and state into the page's URL; no network, no drawing.
//
//   const url = new UrlState(element);
//   const { state, attributeErrors, linkErrors } = url.initial();
//   url.attributeChanged(name, value, state)  // -> { patch, errors } for one attribute
//   url.fromHash(state)                       // -> { patch, errors } after a hashchange
//   url.write(state)                          // mirrors the state in location.hash (sync-hash only)

import {
  FIELDS, ELEMENT_ATTRIBUTES, applyEntries, changedKeys, misspeltAttributes, parseAttributes, parseHash, toHash,
} from "./state.js";
import { splitShare } from "./share.js";

/** The text an absent attribute stands for: its key's default. */
export function defaultText(field) {
  const d = field.default;
  if (Array.isArray(d)) return d.join(",");
  if (field.type === "bool") return d ? "1" : "0";
  if (d === null) return "";
  return String(d);
}

function patchBetween(from, to) {
  const patch = {};
  for (const key of changedKeys(from, to)) patch[key] = to[key];
  return patch;
}

export class UrlState {
  constructor(element) {
    this.element = element;
    this.lastHash = null;
  }

  /** Whether this figure mirrors its state in the page's URL. */
  get syncsHash() {
    return this.element.hasAttribute("sync-hash");
  }

  /**
   * The starting state: the attributes over the defaults, then (for `sync-hash`) the hash
   * over those. Errors: `{ attributes, link }`, lists of `{ key, message }`. `share`: the
   * hash's `net=` value (a whole network, www/share.js), or null. `custom`: the loaded
   * data's task when data is coming (a `src` attribute or a link's CSV), so that `dataset`
   * "custom" is not refused before it arrives.
   */
  initial({ custom = null } = {}) {
    const attrs = parseAttributes(this.element, undefined, { custom });
    const attributes = [...attrs.errors, ...misspeltAttributes(this.element, ELEMENT_ATTRIBUTES)];
    let state = attrs.state;
    let link = [];
    let share = null;
    if (this.syncsHash && typeof location !== "undefined" && location.hash.length > 1) {
      const { settings, net } = splitShare(location.hash);
      share = net;
      const fromHash = parseHash(settings, state, { custom: custom ?? (net ? { task: "binary", classes: 2, pending: true } : null) });
      state = fromHash.state;
      link = fromHash.errors;
    }
    return { state, errors: { attributes, link }, share };
  }

  /** One state attribute changed (value null: removed, so its default). */
  attributeChanged(name, value, state) {
    const field = FIELDS.get(name);
    if (!field) return { patch: {}, errors: [] };
    const text = value ?? defaultText(field);
    const next = applyEntries(state, [[name, text]], { source: "attributes" });
    return { patch: patchBetween(state, next.state), errors: next.errors };
  }

  /** The hash changed: `{ patch, errors }` against `state`, or null if it is the one we wrote. */
  fromHash(state, { custom = null } = {}) {
    if (location.hash === this.lastHash) return null;
    const { settings, net } = splitShare(location.hash);
    const { state: next, errors } = parseHash(settings, parseAttributes(this.element, undefined, { custom }).state, { custom });
    return { patch: patchBetween(state, next), errors, share: net };
  }

  /**
   * Mirrors `state` in location.hash (sync-hash figures only), without a history entry;
   * `share`, a `net=` value, is appended (a link that carries the whole network).
   */
  write(state, share = null) {
    if (!this.syncsHash) return;
    const hash = `#${toHash(state)}${share ? `&net=${share}` : ""}`;
    if (location.hash !== hash) history.replaceState(history.state, "", hash);
    this.lastHash = location.hash;
  }
}
