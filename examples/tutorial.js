// The tutorial's own script: a live line under each figure, fed by the element's public API
// (the `step` and `diverged` events, `network`, `ready`). Nothing here is needed for the
// figures to work; it shows what a page can do with them.

const TEXT_INTERVAL_MS = 250; // a line a person can read while it changes

const steps = new Intl.NumberFormat("en-US");

function lossText(v) {
  if (!Number.isFinite(v)) return "–";
  return Math.abs(v) < 0.001 ? v.toExponential(1) : v.toFixed(3);
}

function watch(element, line) {
  let last = 0;
  let pending = 0;
  const show = (step, loss) => {
    line.textContent = `Step ${steps.format(step)} · training loss ${lossText(loss)}`;
  };
  const refresh = () => {
    pending = 0;
    last = performance.now();
    const net = element.network;
    if (!net) return;
    const { trainLoss } = net.evaluate();
    show(net.stepCount, trainLoss);
  };
  element.addEventListener("step", (event) => {
    const now = performance.now();
    if (now - last >= TEXT_INTERVAL_MS) {
      last = now;
      show(event.detail.step, event.detail.loss);
    } else if (!pending) {
      // The last step of a burst is shown too, a moment later.
      pending = setTimeout(refresh, TEXT_INTERVAL_MS);
    }
  });
  element.addEventListener("diverged", (event) => {
    line.textContent = `Diverged at step ${steps.format(event.detail.step)}: lower the learning rate.`;
  });
  // Reset goes back to step 0 without a step event.
  element.shadowRoot?.addEventListener("click", () => setTimeout(refresh, 0));
  element.ready.then(refresh);
}

for (const line of document.querySelectorAll(".live[data-for]")) {
  const element = document.getElementById(line.dataset.for);
  if (element) customElements.whenDefined("backprop-viz").then(() => watch(element, line));
}
