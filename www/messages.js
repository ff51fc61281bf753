// The element's two message boxes: a notice listing the settings (from the link or the
// attributes) that were not valid and were ignored, and an alert for what went wrong while
// running (divergence, engine errors). Both are dismissible. Every message reaches the page
// through textContent only, so hash- or attribute-derived text can never become markup.

import { LEARNING_RATES } from "./state.js";

const MAX_LISTED = 12;

function el(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

function dismissButton(label, onClick) {
  const b = el("button", "btn btn-icon dismiss", "×");
  b.type = "button";
  b.setAttribute("aria-label", label);
  b.addEventListener("click", onClick);
  return b;
}

export class Messages {
  /** Builds both boxes (hidden) into `container`. */
  constructor(container) {
    this.notice = el("div", "notice");
    this.notice.setAttribute("role", "status");
    this.notice.hidden = true;
    this.alert = el("div", "alert");
    this.alert.setAttribute("role", "alert");
    this.alert.hidden = true;
    container.append(this.notice, this.alert);
    /** Ignored settings by where they came from: `{ key, message }` each. */
    this.items = { link: [], attributes: [] };
  }

  /** Replaces the notice's items from `source` ("link" or "attributes"). */
  set(source, items) {
    this.items[source] = items.slice();
    this.render();
  }

  /** Replaces the items from `source` about one key (an attribute that changed). */
  setKey(source, key, items) {
    this.items[source] = this.items[source].filter((e) => e.key !== key).concat(items.map((e) => ({ ...e, key })));
    this.render();
  }

  render() {
    const { link, attributes } = this.items;
    const box = this.notice;
    box.replaceChildren();
    if (link.length + attributes.length === 0) {
      box.hidden = true;
      return;
    }
    const where = link.length && attributes.length ? "the link and the attributes" : link.length ? "the link" : "this element's attributes";
    const body = el("div", "notice-body");
    body.append(el("p", "notice-title", `Some settings in ${where} were not valid and were ignored; the rest apply.`));
    const list = el("ul", "notice-list");
    const all = [...link, ...attributes];
    for (const item of all.slice(0, MAX_LISTED)) list.append(el("li", "", item.message));
    if (all.length > MAX_LISTED) list.append(el("li", "", `…and ${all.length - MAX_LISTED} more.`));
    body.append(list);
    box.append(
      body,
      dismissButton("Dismiss this notice", () => {
        this.items = { link: [], attributes: [] };
        box.hidden = true;
      }),
    );
    box.hidden = false;
  }

  /**
   * Shows `message` in the alert, with an optional action button
   * `{ text, label, run }` (label: its accessible name).
   */
  showAlert(message, action = null, kind = "") {
    const box = this.alert;
    box.replaceChildren(el("p", "alert-text", message));
    box.className = kind ? `alert ${kind}` : "alert";
    if (action) {
      const b = el("button", "btn btn-small", action.text);
      b.type = "button";
      b.setAttribute("aria-label", action.label);
      b.addEventListener("click", () => {
        this.hideAlert();
        action.run();
      });
      box.append(b);
    }
    box.append(dismissButton("Dismiss this message", () => this.hideAlert()));
    box.hidden = false;
  }

  hideAlert() {
    this.alert.hidden = true;
  }

  /**
   * Shows a link in the alert box, in a read-only field to select and copy, with `note` (e.g.
   * whether it was copied and what it restores).
   */
  showLink(url, note) {
    const box = this.alert;
    const field = el("input", "link-field");
    field.type = "text";
    field.readOnly = true;
    field.value = url;
    field.setAttribute("aria-label", "Link to this network");
    field.addEventListener("focus", () => field.select());
    box.replaceChildren(el("p", "alert-text", note), field);
    box.className = "alert link";
    box.append(dismissButton("Dismiss the link", () => this.hideAlert()));
    box.hidden = false;
    return field;
  }
}

/**
 * What to tell a reader about an error from the engine while it trains: `{ diverged, text,
 * message, step, lowerRate }`. A divergence names its step (the engine's, else the one after
 * `stepCount`) and offers the next lower learning rate of `rates` (null when there is none).
 */
export function engineErrorNotice(err, { stepCount, learningRate, rates = LEARNING_RATES }) {
  const message = String(err?.message ?? err);
  const m = /diverged at step (\d+)/.exec(message);
  if (!m && !/diverged/.test(message)) return { diverged: false, text: `Something went wrong: ${message}`, message, step: null, lowerRate: null };
  const step = m ? Number(m[1]) : stepCount + 1;
  const lower = [...rates].reverse().find((v) => v < learningRate);
  return {
    diverged: true,
    text: `The loss became infinite at step ${new Intl.NumberFormat("en-US").format(step)}; lower the learning rate.`,
    message,
    step,
    lowerRate: lower ?? null,
  };
}
