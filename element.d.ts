// Types for the <backprop-viz> custom element (element.js). The engine's own types are in
// pkg/backprop_viz.d.ts.
import type { Network } from "./pkg/backprop_viz.js";

/** `{ loss, batchLoss, step }`: the training loss over the whole training set after the step. */
export interface BackpropVizStepDetail {
  loss: number;
  batchLoss: number;
  step: number;
}

/** `{ step, message }`: the step whose update would have made the loss infinite. */
export interface BackpropVizDivergedDetail {
  step: number;
  message: string;
}

export interface BackpropVizEventMap extends HTMLElementEventMap {
  step: CustomEvent<BackpropVizStepDetail>;
  diverged: CustomEvent<BackpropVizDivergedDetail>;
}

export class BackpropViz extends HTMLElement {
  /** The engine's Network (null until the engine has loaded). */
  readonly network: Network | null;
  /** Resolves with the element once its first network is built and drawn. */
  readonly ready: Promise<BackpropViz>;
  /** A copy of the current configuration (the attribute names as keys). */
  readonly config: Record<string, unknown>;
  /** Whether training is playing. */
  readonly playing: boolean;
  /** Starts training. */
  play(): void;
  /** Pauses training (an autoplaying instance then stays paused). */
  pause(): void;
  /** One whole training step at once; returns its mean batch loss. */
  stepOnce(): number;
  /** The same network and data at step 0. */
  reset(): void;
  addEventListener<K extends keyof BackpropVizEventMap>(
    type: K,
    listener: (this: BackpropViz, ev: BackpropVizEventMap[K]) => unknown,
    options?: boolean | AddEventListenerOptions,
  ): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions): void;
}

declare global {
  interface HTMLElementTagNameMap {
    "backprop-viz": BackpropViz;
  }
}
