//! Native training throughput, for `npm run bench` (bench/run.mjs), which passes the
//! workload and prints the comparison with wasm:
//!
//! ```sh
//! cargo run --release --example bench -- --dataset spiral --layers 2,8,8,8,8,8,8,1 \
//!     --steps 20000 --warmup 5000 --repeats 7
//! ```
//!
//! Builds the network and data as the JS side does (features x1, x2, tanh hidden, sigmoid
//! output, bce, seeds 1), runs `warmup` steps, then `repeats` times `step(steps)`, and prints
//! one line of JSON with each repeat's examples per second.
//!
//! With `--repeats 0` it instead prints `ready` after the warm-up and then times one repeat
//! per line read from stdin, answering each with one number (examples per second), so that
//! run.mjs can interleave native and wasm repeats and both see the same machine load.

use backprop_viz::dataset::{self, DatasetKind};
use backprop_viz::{Network, Spec};
use std::time::Instant;

struct Args {
    dataset: String,
    layers: Vec<f64>,
    count: usize,
    train_ratio: f64,
    batch_size: f64,
    learning_rate: f64,
    steps: u32,
    warmup: u32,
    repeats: usize,
}

fn parse() -> Result<Args, String> {
    let mut a = Args {
        dataset: "circle".into(),
        layers: vec![2.0, 4.0, 2.0, 1.0],
        count: 500,
        train_ratio: 50.0,
        batch_size: 10.0,
        learning_rate: 0.03,
        steps: 100_000,
        warmup: 10_000,
        repeats: 7,
    };
    let argv: Vec<String> = std::env::args().skip(1).collect();
    for pair in argv.chunks(2) {
        let (key, value) = match pair {
            [k, v] => (k.as_str(), v.as_str()),
            _ => return Err(format!("missing value after {}", pair[0])),
        };
        let num = |v: &str| v.parse::<f64>().map_err(|e| format!("{key} {v}: {e}"));
        match key {
            "--dataset" => a.dataset = value.into(),
            "--layers" => {
                a.layers = value.split(',').map(num).collect::<Result<_, _>>()?;
            }
            "--count" => a.count = num(value)? as usize,
            "--train-ratio" => a.train_ratio = num(value)?,
            "--batch" => a.batch_size = num(value)?,
            "--learning-rate" => a.learning_rate = num(value)?,
            "--steps" => a.steps = num(value)? as u32,
            "--warmup" => a.warmup = num(value)? as u32,
            "--repeats" => a.repeats = num(value)? as usize,
            _ => return Err(format!("unknown option {key}")),
        }
    }
    Ok(a)
}

fn main() {
    let a = parse().unwrap_or_else(|e| {
        eprintln!("bench: {e}");
        std::process::exit(2);
    });
    let kind = DatasetKind::parse(&a.dataset).unwrap_or_else(|| {
        eprintln!("bench: unknown dataset {}", a.dataset);
        std::process::exit(2);
    });
    let split = dataset::generate(kind, a.count, 0.0, a.train_ratio, 1);
    let mut net = Network::new(&Spec {
        layers: Some(a.layers.clone()),
        hidden: Some("tanh".into()),
        learning_rate: Some(a.learning_rate),
        batch_size: Some(a.batch_size),
        features: Some(vec!["x1".into(), "x2".into()]),
        seed: Some(1.0),
        ..Spec::default()
    })
    .unwrap_or_else(|e| {
        eprintln!("bench: {e}");
        std::process::exit(2);
    });
    net.set_training_data(&split.train.inputs, &split.train.targets)
        .expect("dataset is valid training data");
    if a.warmup > 0 {
        net.step(a.warmup).expect("warm-up trains");
    }
    let per_step = a.batch_size.min(split.train.len() as f64);
    let mut loss = 0.0;
    let mut repeat = |net: &mut Network| {
        let t = Instant::now();
        loss = net.step(a.steps).expect("training does not diverge");
        f64::from(a.steps) * per_step / t.elapsed().as_secs_f64()
    };
    if a.repeats == 0 {
        println!("ready");
        for line in std::io::stdin().lines() {
            if line.map_or(true, |l| l.trim() == "quit") {
                break;
            }
            println!("{:.0}", repeat(&mut net));
        }
        return;
    }
    let samples: Vec<f64> = (0..a.repeats).map(|_| repeat(&mut net)).collect();
    let list: Vec<String> = samples.iter().map(|s| format!("{s:.0}")).collect();
    println!(
        "{{\"examplesPerSecond\":[{}],\"trainSize\":{},\"steps\":{},\"lastLoss\":{loss}}}",
        list.join(","),
        split.train.len(),
        a.steps
    );
}
