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

/** The drawn network, read-only: what the engine's Network answers, for the state last drawn. */
export type FigureNetwork = Pick<
  Network,
  "layers" | "inputSize" | "threshold" | "stepCount" | "lastLoss" | "trainSize" | "testSize" | "toState" | "trace" | "forward" | "evaluate" | "gradients"
> & { batchLen(): number };

/** A set of points: x1, x2 pairs and one label each (the class, or the value for regression). */
export interface BackpropVizPoints {
  inputs: Float64Array;
  labels: Float64Array;
  /** The same array as `labels` (the name earlier versions used). */
  targets: Float64Array;
}

/** What setData() read. */
export interface BackpropVizDataSummary {
  rows: number;
  task: "binary" | "multiclass" | "regression";
  classes: number;
  classNames: string[];
  /** Rows that could not be read and were skipped. */
  skipped: number;
  /** The first of them: `{ line, field, message }`. */
  errors: { line: number; field: string; message: string }[];
}

export class BackpropViz extends HTMLElement {
  /** The drawn network, read-only (null until the first network is built). */
  readonly network: FigureNetwork | null;
  /** Resolves with the element once its first network is built and drawn. */
  readonly ready: Promise<BackpropViz>;
  /** A copy of the current configuration (the attribute names as keys). */
  readonly config: Record<string, unknown>;
  /** The points it trains and tests on. */
  readonly data: {
    task: "binary" | "multiclass" | "regression";
    classes: number;
    classNames: string[];
    train: BackpropVizPoints;
    test: BackpropVizPoints;
  };
  /** Whether training is playing. */
  readonly playing: boolean;
  /** Whether the network trains in the page's worker (false: on the main thread). */
  readonly inWorker: boolean;
  /** Starts training. */
  play(): void;
  /** Pauses training (an autoplaying instance then stays paused); resolves once the step on its way has landed. */
  pause(): Promise<void>;
  /** One whole training step; resolves to its mean batch loss once it is drawn. */
  stepOnce(): Promise<number>;
  /** The same network and data at step 0. */
  reset(): Promise<void>;
  /** Trains on CSV text or a File; rejects, changing nothing, if it cannot be used. */
  setData(source: string | Blob, options?: { name?: string; delimiter?: string; header?: boolean | "auto"; task?: string; columns?: (number | string)[] }): Promise<BackpropVizDataSummary>;
  /** The network in the engine's toState() format. */
  exportState(): Promise<Record<string, unknown>>;
  /** Loads a network (an object or JSON text); rejects, changing nothing, if it does not fit. */
  loadState(state: Record<string, unknown> | string): Promise<void>;
  /** The diagram beside the output view, as a PNG. */
  toPNG(): Promise<Blob>;
  /** A URL whose hash restores this exact network (its weights, points and data). */
  shareLink(base?: string): Promise<string>;
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
