//! The article's embeddings kept between runs, so that a restart (or `citebot ask`) does not
//! run the model over every sentence again: about 0.5 s for a 40-sentence article, seconds for
//! a long one.
//!
//! One file per article and model, named by a hash of the texts and the model's fingerprint,
//! in `$CITEBOT_CACHE_DIR`, else `$XDG_CACHE_HOME/citebot`, else `$HOME/.cache/citebot`
//! (`CITEBOT_CACHE_DIR=none` turns it off). The cache is an optimisation only: a missing,
//! unreadable, damaged or foreign file is ignored (and replaced), a directory that cannot be
//! written is skipped, and the answers are the same with or without it. Each edit of the
//! article makes a new file, so only the [`KEEP`] most recently written are kept.

use crate::Engine;
use crate::embed;
use std::path::{Path, PathBuf};

/// How many cache files (articles, or versions of one) the directory keeps.
pub const KEEP: usize = 8;

/// The cache directory from the environment, or `None` when turned off or unknown.
pub fn dir_from_env() -> Option<PathBuf> {
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    match var("CITEBOT_CACHE_DIR") {
        Some(v) if v == "none" => None,
        Some(v) => Some(PathBuf::from(v)),
        None => var("XDG_CACHE_HOME")
            .map(|d| PathBuf::from(d).join("citebot"))
            .or_else(|| var("HOME").map(|h| PathBuf::from(h).join(".cache").join("citebot"))),
    }
}

/// The file that holds the embeddings of `texts` by this model.
pub fn file_for(dir: &Path, texts: &[&str]) -> PathBuf {
    // Each text ends with a byte no UTF-8 text holds, so that ["ab", "c"] is not ["a", "bc"].
    let bytes = texts.iter().flat_map(|t| t.bytes().chain([0xff]));
    let h = crate::text::fnv1a(embed::fingerprint(), bytes);
    dir.join(format!("embeddings-{h:016x}.bin"))
}

/// What became of the cache when warming an engine.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The scorer reads no meaning, or there is no cache directory.
    Unused,
    /// The file held every text's embedding.
    Read,
    /// The embeddings were computed and written to the file.
    Written,
    /// They were computed; the file could not be written (the error).
    NotWritten(String),
}

/// Warms `engine` ([`Engine::warm`]) from the cache in `dir`, and writes the cache when it did
/// not hold everything.
pub fn warm(engine: &Engine, dir: Option<&Path>) -> Outcome {
    let texts = engine.meaning_texts();
    let Some(dir) = dir.filter(|_| !texts.is_empty()) else {
        engine.warm();
        return Outcome::Unused;
    };
    let file = file_for(dir, &texts);
    let model = embed::model();
    let entries = std::fs::read(&file)
        .map_err(|e| e.to_string())
        .and_then(|b| embed::decode_cache(&b))
        .unwrap_or_default();
    let held: std::collections::HashSet<&str> = entries.iter().map(|(t, _)| t.as_str()).collect();
    let complete = texts.iter().all(|t| held.contains(t));
    model.preload(entries.iter().cloned());
    engine.warm();
    if complete {
        return Outcome::Read;
    }
    match write(&file, &embed::encode_cache(&model.cached(&texts))) {
        Ok(()) => {
            prune(dir, KEEP);
            Outcome::Written
        }
        Err(e) => Outcome::NotWritten(e.to_string()),
    }
}

/// Removes all but the `keep` most recently written cache files of `dir` (other files are
/// left alone); errors are ignored, as the cache is only an optimisation.
pub fn prune(dir: &Path, keep: usize) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut files: Vec<(std::time::SystemTime, PathBuf)> = entries
        .flatten()
        .filter(|e| {
            let name = e.file_name();
            let name = name.to_string_lossy();
            name.starts_with("embeddings-") && name.ends_with(".bin")
        })
        .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
        .collect();
    files.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    for (_, path) in files.into_iter().skip(keep) {
        let _ = std::fs::remove_file(path);
    }
}

/// Writes through a temporary file and a rename, so that a reader never sees half a file.
fn write(file: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(dir) = file.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = file.with_extension(format!("tmp{}", std::process::id()));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, file).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}
