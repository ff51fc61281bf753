// The package's entry point: importing this module defines <backprop-viz>.
//
//   <script type="module" src="/vendor/backprop-viz/element.js"></script>
//   <backprop-viz layers="2,4,1" dataset="xor" controls="play,step,reset" autoplay></backprop-viz>
//
// Everything it loads (www/*.js, pkg/backprop_viz.js, pkg/backprop_viz_bg.wasm) is resolved
// relative to this file, so the package works from any path it is served under.
export { BackpropViz } from "./www/element.js";
