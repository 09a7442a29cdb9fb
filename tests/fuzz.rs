//! The fuzz targets of `fuzz/targets.rs`, run on the stable toolchain: every file of the seed
//! corpus (`fuzz/corpus/TARGET/`), then mutations of the seeds from a fixed seed, so a run of
//! `cargo test` is deterministic. With `TICKMARK_FUZZ_SECONDS=N` each target instead runs
//! mutations for N seconds from a seed of the clock (printed, with the executions), and a
//! failing input is written to `fuzz/artifacts/TARGET/` to be added to the corpus:
//!
//! ```sh
//! TICKMARK_FUZZ_SECONDS=600 cargo test --release --test fuzz -- --nocapture
//! ```

#[path = "../fuzz/targets.rs"]
mod targets;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Mutations per target in a plain `cargo test`.
const MUTATIONS: usize = 150;

/// Fragments the mutator splices in: Unicode white space and line ends of every kind, list,
/// box, link and comment syntax, and deep nesting.
const DICTIONARY: &[&str] = &[
    "\u{a0}",
    "\u{2028}",
    "\u{2029}",
    "\u{3000}",
    "\u{85}",
    "\u{feff}",
    "\r",
    "\r\n",
    "\n",
    "\t",
    " ",
    "- [ ] ",
    "- [x] ",
    "- [] ",
    "-[ ]",
    "* ",
    "1. ",
    "  ",
    "    ",
    "> ",
    "# ",
    "## ",
    "](",
    "[a](",
    ")",
    "<",
    ">",
    "<!-- tickmark-disable-next-line -->",
    "<!-- tickmark-disable duplicate-item -->",
    "<!-- tickmark-enable -->",
    "```",
    "~~~",
    "---\n",
    "[P1] ",
    "**[P0]** - Critical: now",
    "[2/3]",
    "(40%)",
    "Due: 2024-01-31",
    "âœ…",
    "✅",
    "🔴",
    "é",
    "𝄞",
    "- - - - - - - - ",
    "`",
    "|",
    "[x]: ",
    "\\",
    "\0",
];

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

fn mutate(rng: &mut Rng, seeds: &[Vec<u8>], input: &mut Vec<u8>) {
    for _ in 0..=rng.below(4) {
        let at = rng.below(input.len() + 1);
        match rng.below(6) {
            0 => {
                let word = DICTIONARY[rng.below(DICTIONARY.len())];
                input.splice(at..at, word.bytes());
            }
            1 if !input.is_empty() => {
                let end = (at + 1 + rng.below(16)).min(input.len());
                input.drain(at.min(end)..end);
            }
            2 if !input.is_empty() => {
                let i = rng.below(input.len());
                input[i] = rng.next() as u8;
            }
            3 => {
                let other = &seeds[rng.below(seeds.len())];
                let from = rng.below(other.len());
                let to = (from + rng.below(64)).min(other.len());
                input.splice(at..at, other[from..to].iter().copied());
            }
            4 if !input.is_empty() => {
                let from = rng.below(input.len());
                let to = (from + 1 + rng.below(32)).min(input.len());
                let piece = input[from..to].to_vec();
                for _ in 0..rng.below(8) {
                    input.splice(at..at, piece.iter().copied());
                }
            }
            _ => input.push(rng.next() as u8),
        }
    }
    input.truncate(64 * 1024);
}

fn corpus(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus")
        .join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("a corpus entry").path())
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let bytes = std::fs::read(&path).expect("a corpus file");
            (path, bytes)
        })
        .collect()
}

/// Runs `input` through `target`, naming (and, in a timed run, saving) a failing input.
fn run_one(name: &str, target: fn(&[u8]), input: &[u8], save: bool) {
    if std::panic::catch_unwind(|| target(input)).is_err() {
        let mut saved = String::new();
        if save {
            let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("fuzz/artifacts")
                .join(name);
            let _ = std::fs::create_dir_all(&dir);
            let path = dir.join(format!("crash-{:016x}", fnv(input)));
            if std::fs::write(&path, input).is_ok() {
                saved = format!(" (saved as {})", path.display());
            }
        }
        panic!(
            "{name} fails on {:?}{saved}",
            String::from_utf8_lossy(input)
        );
    }
}

fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn fuzz(name: &str) {
    let target = targets::TARGETS
        .iter()
        .find(|(n, _)| *n == name)
        .expect("a target")
        .1;
    let seeds: Vec<Vec<u8>> = corpus(name).into_iter().map(|(_, b)| b).collect();
    assert!(!seeds.is_empty(), "{name} has a seed corpus");
    for seed in &seeds {
        run_one(name, target, seed, false);
    }
    let budget = std::env::var("TICKMARK_FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse::<u64>().ok());
    let (mut rng, deadline) = match budget {
        Some(seconds) => {
            let clock = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |d| d.as_nanos() as u64);
            println!("{name}: seed {clock:#x}, {seconds} s");
            (
                Rng(clock | 1),
                Some(Instant::now() + Duration::from_secs(seconds)),
            )
        }
        None => (Rng(0x5eed_0000 + fnv(name.as_bytes())), None),
    };
    let mut executions = seeds.len();
    loop {
        match deadline {
            Some(deadline) if Instant::now() >= deadline => break,
            None if executions >= seeds.len() + MUTATIONS => break,
            _ => {}
        }
        let mut input = seeds[rng.below(seeds.len())].clone();
        mutate(&mut rng, &seeds, &mut input);
        run_one(name, target, &input, deadline.is_some());
        executions += 1;
    }
    println!("{name}: {executions} executions, no failure");
}

#[test]
fn analysis() {
    fuzz("analysis");
}

#[test]
fn incremental() {
    fuzz("incremental");
}

#[test]
fn config() {
    fuzz("config");
}

#[test]
fn framing() {
    fuzz("framing");
}
