// Benchmarks for the engine: `npm run bench`. The engine author fills this in.
console.log("no benchmarks yet");
