//! The Rust fuzz targets without cargo-fuzz: the corpus (`tests/fuzz/corpus/<target>/`) and
//! fresh inputs from a seeded byte mutator, through the same checks libFuzzer runs
//! (`fuzz/src/lib.rs`, included here).
//!
//! - `cargo test --test fuzz_replay`: every corpus file, then 2,000 fresh inputs per target
//!   (`FUZZ_RUNS=n` for more, `FUZZ_SEED=n` for others).
//! - `cargo test --release --test fuzz_replay -- --ignored campaign`: the long native
//!   campaign (`FUZZ_RUNS`, default 1,000,000 per target; `FUZZ_TARGETS=spec,csv` for some),
//!   timing every input; failures are saved to the corpus. scripts/fuzz.sh runs it where
//!   cargo-fuzz cannot build.
//! - `cargo test --release --test fuzz_replay -- --ignored timing`: times every file of the
//!   directories in `FUZZ_TIME_DIRS` (`target=dir,...`), as scripts/fuzz.sh does with what
//!   libFuzzer found. An input is a hang when it takes over 100 ms, and over 100 ms of CPU
//!   time at the fastest of three more runs.
#![cfg(not(target_arch = "wasm32"))]

#[allow(dead_code)]
#[path = "../fuzz/src/lib.rs"]
mod fuzz;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The most an input may take.
const LIMIT: Duration = Duration::from_millis(100);

fn corpus_dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz/corpus")
        .join(name)
}

/// Every file in a directory, sorted by name.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .filter(|e| e.path().is_file())
                .map(|e| {
                    (
                        e.file_name().to_string_lossy().into_owned(),
                        std::fs::read(e.path()).unwrap_or_default(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// Runs one input; `Err` holds the panic's message.
fn run(check: fn(&[u8]), data: &[u8]) -> Result<(), String> {
    catch_unwind(AssertUnwindSafe(|| check(data))).map_err(|e| {
        e.downcast_ref::<String>()
            .cloned()
            .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "panic".into())
    })
}

/// This thread's CPU time, where Linux tells it (`/proc/thread-self/schedstat`, nanoseconds
/// on the CPU first): unlike wall time, other processes on a busy machine do not inflate it.
fn cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    Some(Duration::from_nanos(
        stat.split_whitespace().next()?.parse().ok()?,
    ))
}

/// The fastest of three more runs of an input, in CPU time where it can be read.
fn fastest(check: fn(&[u8]), data: &[u8]) -> Duration {
    (0..3)
        .map(|_| {
            let (wall, cpu) = (Instant::now(), cpu_time());
            let _ = run(check, data);
            match (cpu, cpu_time()) {
                (Some(a), Some(b)) => b.saturating_sub(a),
                _ => wall.elapsed(),
            }
        })
        .min()
        .unwrap_or_default()
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(default)
}

/// Saves a failing input to the target's corpus as `crash-<hash>` and returns its path.
fn save(name: &str, data: &[u8]) -> PathBuf {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in data {
        h = (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
    }
    let path = corpus_dir(name).join(format!("crash-{h:016x}"));
    let _ = std::fs::create_dir_all(corpus_dir(name));
    let _ = std::fs::write(&path, data);
    path
}

/// `runs` fresh inputs for one target, mutated from its corpus with a seeded generator.
/// Returns (runs, failures as messages, slowest input's time); `timing` re-times inputs over
/// the limit and counts those as failures; `keep` saves failing inputs to the corpus.
fn fresh(
    name: &str,
    check: fn(&[u8]),
    runs: u64,
    seed: u64,
    timing: bool,
    keep: bool,
) -> (u64, Vec<String>, Duration) {
    let corpus: Vec<Vec<u8>> = files(&corpus_dir(name))
        .into_iter()
        .map(|(_, d)| d)
        .collect();
    assert!(!corpus.is_empty(), "tests/fuzz/corpus/{name}/ is empty");
    let mut rng = fuzz::Rng(seed ^ name.bytes().fold(0, |h, b| h * 31 + u64::from(b)));
    let mut failures = Vec::new();
    let mut slowest = Duration::ZERO;
    // Without coverage feedback, the pool of inputs to mutate grows with a random sample of
    // the generated ones, so that mutations compound.
    let mut pool = corpus.clone();
    for i in 0..runs {
        let base = &pool[rng.below(pool.len())];
        let other = &pool[rng.below(pool.len())];
        let data = fuzz::mutate(base, other, &mut rng);
        let start = Instant::now();
        let result = run(check, &data);
        let took = start.elapsed();
        if let Err(message) = result {
            let saved = if keep {
                format!(" (saved to {})", save(name, &data).display())
            } else {
                String::new()
            };
            failures.push(format!(
                "{name} input {i}: {message}\n  input: {:?}{saved}",
                String::from_utf8_lossy(&data)
            ));
            if failures.len() >= 5 {
                break;
            }
            continue;
        }
        if timing && took > LIMIT {
            let again = fastest(check, &data);
            if again > LIMIT {
                let saved = if keep {
                    format!(" (saved to {})", save(name, &data).display())
                } else {
                    String::new()
                };
                failures.push(format!(
                    "{name} input {i}: took {again:?} (over {LIMIT:?}){saved}"
                ));
            }
            slowest = slowest.max(again);
        } else {
            slowest = slowest.max(took);
        }
        if pool.len() < 4096 && rng.below(64) == 0 {
            pool.push(data);
        }
    }
    (runs, failures, slowest)
}

#[test]
fn the_corpus_replays_without_a_failure() {
    let mut failures = Vec::new();
    for &(name, check) in fuzz::TARGETS {
        let corpus = files(&corpus_dir(name));
        assert!(!corpus.is_empty(), "tests/fuzz/corpus/{name}/ is empty");
        for (file, data) in corpus {
            if let Err(message) = run(check, &data) {
                failures.push(format!("tests/fuzz/corpus/{name}/{file}: {message}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn fresh_inputs_pass_the_checks() {
    let runs = env_number("FUZZ_RUNS", 2_000);
    let seed = env_number("FUZZ_SEED", 1);
    let mut failures = Vec::new();
    for &(name, check) in fuzz::TARGETS {
        failures.extend(fresh(name, check, runs, seed, false, false).1);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The checks notice what they are meant to: an error that names no field, a changed network,
/// and the oracle's verdicts on configs from docs/API.md.
#[test]
fn the_checks_can_fail() {
    use backprop_viz::{Error, Spec};
    assert!(
        run(
            |_| fuzz::check_error(&Error::new("", "bad"), &["text"]),
            b""
        )
        .is_err()
    );
    assert!(
        run(
            |_| fuzz::check_error(&Error::new("lerningRate", "bad"), &["learningRate"]),
            b""
        )
        .is_err()
    );
    assert!(
        run(
            |_| fuzz::check_error(&Error::new("learningRate", "bad"), &["learningRate"]),
            b""
        )
        .is_ok()
    );
    let mut net = fuzz::bases()[1].clone();
    let before = fuzz::snapshot(&net);
    net.set_bias(0, 0, 0.25).unwrap();
    assert_ne!(fuzz::snapshot(&net), before);
    let json = |s: &str| -> Spec { serde_json::from_str(s).unwrap() };
    for (config, valid) in [
        (r#"{}"#, true),
        (r#"{"learningRate":10}"#, true),
        (r#"{"learningRate":10.000000000000002}"#, false),
        (r#"{"learningRate":0}"#, false),
        (r#"{"layers":[2,64,16]}"#, true),
        (r#"{"layers":[2,65,1]}"#, false),
        (r#"{"layers":[17,1]}"#, false),
        (r#"{"layers":[2,2,2,2,2,2,2,2,2,1]}"#, true),
        (r#"{"layers":[2,2,2,2,2,2,2,2,2,2,1]}"#, false),
        (r#"{"output":"softmax","layers":[2,3]}"#, true),
        (r#"{"output":"softmax","layers":[2,1]}"#, false),
        (
            r#"{"output":"softmax","loss":"squared","layers":[2,3]}"#,
            false,
        ),
        (r#"{"output":"tanh"}"#, false),
        (r#"{"output":"tanh","loss":"squared"}"#, true),
        (r#"{"hidden":"softmax"}"#, false),
        (r#"{"features":["x1","x1"]}"#, false),
        (r#"{"features":["sinX2"],"layers":[1,1]}"#, true),
        (r#"{"features":["sinX2"],"layers":[2,1]}"#, false),
        (r#"{"seed":4294967295}"#, true),
        (r#"{"seed":4294967296}"#, false),
        (r#"{"batchSize":100000}"#, true),
        (r#"{"batchSize":2.5}"#, false),
        (r#"{"regularizationRate":10}"#, true),
        (r#"{"regularizationRate":-0.001}"#, false),
    ] {
        let spec = json(config);
        assert_eq!(fuzz::config_is_valid(&spec), valid, "{config}");
        assert_eq!(spec.validate().is_ok(), valid, "{config}");
        // The whole check agrees (it panics where it does not).
        for base in 0..fuzz::bases().len() {
            fuzz::check_spec(&spec, base);
        }
    }
}

#[test]
#[ignore = "the long native campaign; scripts/fuzz.sh runs it where cargo-fuzz cannot"]
fn campaign() {
    let runs = env_number("FUZZ_RUNS", 1_000_000);
    let seed = env_number("FUZZ_SEED", 0x5eed);
    let only = std::env::var("FUZZ_TARGETS").unwrap_or_default();
    let mut failures = Vec::new();
    for &(name, check) in fuzz::TARGETS {
        if !only.is_empty() && !only.split(',').any(|t| t == name) {
            continue;
        }
        let start = Instant::now();
        let (n, f, slowest) = fresh(name, check, runs, seed, true, true);
        println!(
            "fuzz native {name}: {n} inputs in {:.1} s, {} failures, slowest {:.1} ms",
            start.elapsed().as_secs_f64(),
            f.len(),
            slowest.as_secs_f64() * 1e3
        );
        failures.extend(f);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
#[ignore = "times libFuzzer's inputs natively; scripts/fuzz.sh runs it"]
fn timing() {
    let dirs = std::env::var("FUZZ_TIME_DIRS").unwrap_or_default();
    let mut failures = Vec::new();
    for pair in dirs.split(',').filter(|p| !p.is_empty()) {
        let (name, dir) = pair
            .split_once('=')
            .expect("FUZZ_TIME_DIRS holds target=dir pairs");
        let &(_, check) = fuzz::TARGETS
            .iter()
            .find(|(n, _)| *n == name)
            .expect("a known target");
        let mut slowest = (Duration::ZERO, String::new());
        let all = files(Path::new(dir));
        for (file, data) in &all {
            let start = Instant::now();
            if let Err(message) = run(check, data) {
                failures.push(format!("{dir}/{file}: {message}"));
                continue;
            }
            let mut took = start.elapsed();
            if took > LIMIT {
                took = fastest(check, data);
                if took > LIMIT {
                    failures.push(format!("{dir}/{file}: took {took:?} (over {LIMIT:?})"));
                }
            }
            if took > slowest.0 {
                slowest = (took, file.clone());
            }
        }
        println!(
            "fuzz timing {name}: {} inputs, slowest {:.1} ms ({})",
            all.len(),
            slowest.0.as_secs_f64() * 1e3,
            slowest.1
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
