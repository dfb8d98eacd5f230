//! Sentence embeddings: text to a 384-dimensional unit vector whose dot product with another
//! says how close two texts are in meaning ("how much land has Russia taken" is close to "Russia
//! has taken control of around 20% of Ukraine’s territory" although they share two words).
//!
//! The model is all-MiniLM-L6-v2 (Apache-2.0), a 6-layer BERT encoder with mean pooling, run
//! here in plain Rust: an uncased WordPiece tokenizer, the transformer forward pass, and the
//! pooling. Its weights live in `model/` (int8 matrices with a scale per row, see
//! `model/README.md` for their source, checksum and the script that reproduces them) and are
//! compiled into the binary, so nothing is read or downloaded at run time.
//!
//! Matrix products dominate the cost. They run in integers: each row of activations is scaled
//! to 14-bit integers and multiplied with the int8 weights as stored, with AVX2 when the
//! processor has it (checked once at run time) and a portable loop otherwise; both give the
//! same integers. Embeddings agree with the f32 model to a cosine of 0.996 or better on the
//! reference texts. Texts are cut at
//! [`MAX_TOKENS`] word pieces, so a flood of text costs no more than a long sentence.
//! Embeddings of texts seen before come from a bounded process-wide cache: engines rebuilt for
//! the same article (a reload, the tests) do not recompute them.
//!
//! This module knows nothing about articles or questions.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

/// Size of an embedding.
pub const DIM: usize = 384;
/// Most word pieces of a text that the model reads (the model was trained on up to 256).
pub const MAX_TOKENS: usize = 128;
const HEADS: usize = 12;
const HEAD_DIM: usize = DIM / HEADS;
const LAYERS: usize = 6;
const CLS: u32 = 101;
const SEP: u32 = 102;
const UNK: u32 = 100;
/// Most cached embeddings before the cache is emptied.
const CACHE_LIMIT: usize = 50_000;

static WEIGHTS: &[u8] = include_bytes!("../model/minilm-l6-q8.bin");
static VOCAB: &str = include_str!("../model/vocab.txt");

/// A unit vector: the meaning of a text.
pub type Embedding = Arc<[f32]>;

/// A weight matrix stored as int8 with one scale per row (`rows` outputs of `cols` inputs).
struct QMatrix {
    rows: usize,
    cols: usize,
    scales: Vec<f32>,
    data: Vec<i8>,
}

impl QMatrix {
    fn row_into(&self, r: usize, out: &mut [f32]) {
        let s = self.scales[r];
        let row = &self.data[r * self.cols..(r + 1) * self.cols];
        #[cfg(target_arch = "x86_64")]
        if has_fma() {
            // SAFETY: the processor supports AVX2 (checked by `has_fma`).
            return unsafe { dequantize_avx2(row, s, out) };
        }
        dequantize(row, s, out);
    }
}

/// int8 to f32 with the row's scale; a plain loop the compiler vectorises.
#[inline(always)]
fn dequantize(row: &[i8], scale: f32, out: &mut [f32]) {
    for (o, &q) in out.iter_mut().zip(row) {
        *o = q as f32 * scale;
    }
}

/// [`dequantize`] compiled for AVX2, eight values per instruction.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn dequantize_avx2(row: &[i8], scale: f32, out: &mut [f32]) {
    dequantize(row, scale, out)
}

struct Linear {
    w: QMatrix,
    b: Vec<f32>,
}

struct Norm {
    g: Vec<f32>,
    b: Vec<f32>,
}

struct Layer {
    query: Linear,
    key: Linear,
    value: Linear,
    attn_out: Linear,
    attn_norm: Norm,
    up: Linear,
    down: Linear,
    out_norm: Norm,
}

/// The loaded model: vocabulary and weights.
pub struct Model {
    vocab: HashMap<&'static str, u32>,
    words: QMatrix,
    positions: Vec<f32>,
    token_type: Vec<f32>,
    embed_norm: Norm,
    layers: Vec<Layer>,
    cache: Mutex<HashMap<String, Embedding>>,
}

/// Whether the model's vocabulary holds `word` (lower case) whole: a word of real English (or a
/// common name), which a spelling corrector should leave alone ("country" is not a typo of
/// "county"), where a misspelling falls apart into pieces ("reaserch": "rea", "##ser", ...).
pub fn is_word(word: &str) -> bool {
    static WORDS: OnceLock<std::collections::HashSet<&'static str>> = OnceLock::new();
    WORDS
        .get_or_init(|| VOCAB.lines().filter(|l| !l.starts_with("##")).collect())
        .contains(word)
}

/// The model compiled into the binary, loaded on first use (about 30 ms).
pub fn model() -> &'static Model {
    static MODEL: OnceLock<Model> = OnceLock::new();
    MODEL.get_or_init(|| Model::parse(WEIGHTS, VOCAB).expect("the built-in model is valid"))
}

enum Tensor {
    F32(usize, usize, Vec<f32>),
    Q8(QMatrix),
}

fn read_tensors(bytes: &[u8]) -> Result<HashMap<String, Tensor>, String> {
    let mut at = 0usize;
    let mut take = |n: usize| -> Result<&[u8], String> {
        let s = bytes.get(at..at + n).ok_or("model file is truncated")?;
        at += n;
        Ok(s)
    };
    if take(8)? != b"CBEMB1\0\0" {
        return Err("not a citebot model file".into());
    }
    let u32_of = |b: &[u8]| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize;
    let count = u32_of(take(4)?);
    let mut out = HashMap::new();
    for _ in 0..count {
        let len = u16::from_le_bytes([take(1)?[0], take(1)?[0]]) as usize;
        let name = String::from_utf8(take(len)?.to_vec()).map_err(|e| e.to_string())?;
        let kind = take(1)?[0];
        let rows = u32_of(take(4)?);
        let cols = u32_of(take(4)?);
        let floats = |b: &[u8]| -> Vec<f32> {
            b.chunks_exact(4)
                .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                .collect()
        };
        let tensor = match kind {
            0 => Tensor::F32(rows, cols, floats(take(rows * cols * 4)?)),
            1 => {
                let scales = floats(take(rows * 4)?);
                let data = take(rows * cols)?.iter().map(|&b| b as i8).collect();
                Tensor::Q8(QMatrix {
                    rows,
                    cols,
                    scales,
                    data,
                })
            }
            k => return Err(format!("tensor {name}: unknown kind {k}")),
        };
        out.insert(name, tensor);
    }
    Ok(out)
}

impl Model {
    fn parse(bytes: &[u8], vocab: &'static str) -> Result<Model, String> {
        let mut t = read_tensors(bytes)?;
        let mut vector = |name: &str, len: usize| -> Result<Vec<f32>, String> {
            match t.remove(name) {
                Some(Tensor::F32(r, c, v)) if r * c == len => Ok(v),
                _ => Err(format!("tensor {name} is missing or not {len} floats")),
            }
        };
        let embed_norm = Norm {
            g: vector("embeddings.LayerNorm.weight", DIM)?,
            b: vector("embeddings.LayerNorm.bias", DIM)?,
        };
        let token_type = vector("embeddings.token_type_embeddings.weight", 2 * DIM)?;
        let mut biases = HashMap::new();
        let mut norms = HashMap::new();
        for l in 0..LAYERS {
            for (name, len) in [
                ("attention.self.query", DIM),
                ("attention.self.key", DIM),
                ("attention.self.value", DIM),
                ("attention.output.dense", DIM),
                ("intermediate.dense", 4 * DIM),
                ("output.dense", DIM),
            ] {
                let key = format!("encoder.layer.{l}.{name}");
                biases.insert(key.clone(), vector(&format!("{key}.bias"), len)?);
            }
            for name in ["attention.output.LayerNorm", "output.LayerNorm"] {
                let key = format!("encoder.layer.{l}.{name}");
                let g = vector(&format!("{key}.weight"), DIM)?;
                let b = vector(&format!("{key}.bias"), DIM)?;
                norms.insert(key, Norm { g, b });
            }
        }
        let mut matrix = |name: &str, rows: usize, cols: usize| -> Result<QMatrix, String> {
            match t.remove(name) {
                Some(Tensor::Q8(m)) if m.rows == rows && m.cols == cols => Ok(m),
                _ => Err(format!("tensor {name} is missing or not {rows}x{cols}")),
            }
        };
        let words = matrix("embeddings.word_embeddings.weight", 30522, DIM)?;
        let pos = matrix("embeddings.position_embeddings.weight", 512, DIM)?;
        let mut positions = vec![0.0; 512 * DIM];
        for (r, out) in positions.chunks_exact_mut(DIM).enumerate() {
            pos.row_into(r, out);
        }
        let mut layers = Vec::new();
        for l in 0..LAYERS {
            let p = format!("encoder.layer.{l}.");
            let mut linear = |name: &str, rows: usize, cols: usize| -> Result<Linear, String> {
                Ok(Linear {
                    w: matrix(&format!("{p}{name}.weight"), rows, cols)?,
                    b: biases
                        .remove(&format!("{p}{name}"))
                        .ok_or_else(|| format!("{p}{name}.bias is missing"))?,
                })
            };
            let query = linear("attention.self.query", DIM, DIM)?;
            let key = linear("attention.self.key", DIM, DIM)?;
            let value = linear("attention.self.value", DIM, DIM)?;
            let attn_out = linear("attention.output.dense", DIM, DIM)?;
            let up = linear("intermediate.dense", 4 * DIM, DIM)?;
            let down = linear("output.dense", DIM, 4 * DIM)?;
            let mut norm = |name: &str| {
                norms
                    .remove(&format!("{p}{name}"))
                    .ok_or_else(|| format!("{p}{name} is missing"))
            };
            layers.push(Layer {
                query,
                key,
                value,
                attn_out,
                attn_norm: norm("attention.output.LayerNorm")?,
                up,
                down,
                out_norm: norm("output.LayerNorm")?,
            });
        }
        let vocab = vocab
            .lines()
            .enumerate()
            .map(|(i, w)| (w, i as u32))
            .collect::<HashMap<_, _>>();
        if vocab.len() != words.rows {
            return Err("vocabulary and word embeddings differ in size".into());
        }
        Ok(Model {
            vocab,
            words,
            positions,
            token_type,
            embed_norm,
            layers,
            cache: Mutex::new(HashMap::new()),
        })
    }

    /// The word-piece ids the model reads for `text`: `[CLS]`, at most `MAX_TOKENS - 2`
    /// pieces, `[SEP]`. Lowercased, accents stripped, split at spaces and punctuation, then
    /// each word into the longest pieces the vocabulary has (BERT's uncased tokenizer).
    pub fn tokenize(&self, text: &str) -> Vec<u32> {
        let mut ids = vec![CLS];
        'words: for word in basic_words(text) {
            let chars: Vec<char> = word.chars().collect();
            if chars.len() > 100 {
                ids.push(UNK);
            } else {
                let mut pieces = Vec::new();
                let mut start = 0;
                while start < chars.len() {
                    let mut end = chars.len();
                    let mut found = None;
                    while end > start {
                        let mut piece: String = chars[start..end].iter().collect();
                        if start > 0 {
                            piece.insert_str(0, "##");
                        }
                        if let Some(&id) = self.vocab.get(piece.as_str()) {
                            found = Some(id);
                            break;
                        }
                        end -= 1;
                    }
                    match found {
                        Some(id) => pieces.push(id),
                        None => {
                            pieces.clear();
                            pieces.push(UNK);
                            break;
                        }
                    }
                    start = end;
                }
                ids.extend(pieces);
            }
            if ids.len() >= MAX_TOKENS - 1 {
                ids.truncate(MAX_TOKENS - 1);
                break 'words;
            }
        }
        ids.push(SEP);
        ids
    }

    /// The embedding of `text`, from the cache when it was computed before.
    pub fn embed(&self, text: &str) -> Embedding {
        if let Some(e) = self.cache.lock().ok().and_then(|c| c.get(text).cloned()) {
            return e;
        }
        let e: Embedding = self.embed_ids(&self.tokenize(text)).into();
        if let Ok(mut cache) = self.cache.lock() {
            if cache.len() >= CACHE_LIMIT {
                cache.clear();
            }
            cache.insert(text.to_string(), e.clone());
        }
        e
    }

    /// Runs the encoder over word-piece ids and mean-pools its output into a unit vector.
    pub fn embed_ids(&self, ids: &[u32]) -> Vec<f32> {
        self.embed_many(&[ids]).pop().unwrap_or_default()
    }

    /// The embeddings of many texts (words, names, sentences): those not cached go through
    /// the encoder together, so that its weights are read once for all of them rather than
    /// once for each, which is most of the cost of a short text; then they are cached.
    pub fn embed_batch(&self, texts: &[&str]) -> Vec<Embedding> {
        let mut out: Vec<Option<Embedding>> = {
            let cache = self.cache.lock().ok();
            texts
                .iter()
                .map(|t| cache.as_ref().and_then(|c| c.get(*t).cloned()))
                .collect()
        };
        let missing: Vec<usize> = (0..texts.len()).filter(|&i| out[i].is_none()).collect();
        let ids: Vec<Vec<u32>> = missing.iter().map(|&i| self.tokenize(texts[i])).collect();
        // Passes of at most BATCH_TOKENS pieces (and always at least one text).
        let mut passes: Vec<std::ops::Range<usize>> = Vec::new();
        let mut start = 0;
        while start < ids.len() {
            let mut end = start + 1;
            let mut tokens = ids[start].len();
            while end < ids.len() && tokens + ids[end].len() <= BATCH_TOKENS {
                tokens += ids[end].len();
                end += 1;
            }
            passes.push(start..end);
            start = end;
        }
        let run = |pass: &std::ops::Range<usize>| {
            let batch: Vec<&[u32]> = ids[pass.clone()].iter().map(Vec::as_slice).collect();
            self.embed_many(&batch)
        };
        // The passes are independent: an article's sentences and words are shared among the
        // machine's cores, in runs of consecutive passes, so the results come back in order.
        let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
        let per_worker = passes.len().div_ceil(workers).max(1);
        let embeddings: Vec<Vec<f32>> = if passes.len() <= per_worker {
            passes.iter().flat_map(run).collect()
        } else {
            std::thread::scope(|scope| {
                let handles: Vec<_> = passes
                    .chunks(per_worker)
                    .map(|run_of| {
                        scope.spawn(move || run_of.iter().flat_map(run).collect::<Vec<_>>())
                    })
                    .collect();
                handles
                    .into_iter()
                    .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                    .collect()
            })
        };
        for (&i, e) in missing.iter().zip(embeddings) {
            out[i] = Some(e.into());
        }
        self.preload(
            missing
                .iter()
                .filter_map(|&i| Some((texts[i].to_string(), out[i].clone()?))),
        );
        out.into_iter().map(Option::unwrap_or_default).collect()
    }

    /// Puts embeddings computed before (by this model: see [`decode_cache`]) into the cache.
    pub fn preload(&self, entries: impl IntoIterator<Item = (String, Embedding)>) {
        if let Ok(mut cache) = self.cache.lock() {
            for (text, e) in entries {
                if cache.len() >= CACHE_LIMIT {
                    cache.clear();
                }
                cache.insert(text, e);
            }
        }
    }

    /// The cached embeddings of `texts` (those the cache holds), to keep between runs.
    pub fn cached(&self, texts: &[&str]) -> Vec<(String, Embedding)> {
        let Ok(cache) = self.cache.lock() else {
            return Vec::new();
        };
        texts
            .iter()
            .filter_map(|t| Some((t.to_string(), cache.get(*t)?.clone())))
            .collect()
    }

    /// Runs the encoder over several sequences at once: their rows share every linear layer,
    /// and attention stays within each sequence.
    fn embed_many(&self, sequences: &[&[u32]]) -> Vec<Vec<f32>> {
        let mut segments = Vec::with_capacity(sequences.len());
        let mut n = 0;
        for ids in sequences {
            let len = ids.len().min(512);
            segments.push((n, len));
            n += len;
        }
        let mut x = vec![0.0f32; n * DIM];
        for (ids, &(start, len)) in sequences.iter().zip(&segments) {
            for (i, &id) in ids[..len].iter().enumerate() {
                let row = &mut x[(start + i) * DIM..(start + i + 1) * DIM];
                let id = (id as usize).min(self.words.rows - 1);
                self.words.row_into(id, row);
                for ((v, p), t) in row
                    .iter_mut()
                    .zip(&self.positions[i * DIM..(i + 1) * DIM])
                    .zip(&self.token_type[..DIM])
                {
                    *v += p + t;
                }
                layer_norm(row, &self.embed_norm);
            }
        }
        // Each row's sequence, as (first row, length), for attention.
        let spans: Vec<(usize, usize)> = segments
            .iter()
            .flat_map(|&span| std::iter::repeat_n(span, span.1))
            .collect();
        let mut scratch = Scratch::new(n);
        for layer in &self.layers {
            layer.forward(&mut x, n, &spans, &mut scratch);
        }
        segments
            .iter()
            .map(|&(start, len)| {
                let mut pooled = vec![0.0f32; DIM];
                for row in x[start * DIM..(start + len) * DIM].chunks_exact(DIM) {
                    for (p, v) in pooled.iter_mut().zip(row) {
                        *p += v;
                    }
                }
                let norm = pooled.iter().map(|v| v * v).sum::<f32>().sqrt().max(1e-12);
                for p in &mut pooled {
                    *p /= norm;
                }
                pooled
            })
            .collect()
    }
}

/// A fingerprint of the model compiled in: FNV-1a over its vocabulary's size and every 61st
/// byte of its weights, enough to tell one model file from another.
pub fn fingerprint() -> u64 {
    let sampled = WEIGHTS.iter().step_by(61).copied();
    let size = (VOCAB.len() as u64).to_le_bytes();
    crate::text::fnv1a(crate::text::FNV_OFFSET, size.into_iter().chain(sampled))
}

const CACHE_MAGIC: &[u8; 8] = b"CBEMBC1\0";

/// Embeddings as bytes, to keep between runs: a header with the model's [`fingerprint`], then
/// each text and its vector.
pub fn encode_cache(entries: &[(String, Embedding)]) -> Vec<u8> {
    let mut out = Vec::with_capacity(16 + entries.len() * (DIM * 4 + 40));
    out.extend_from_slice(CACHE_MAGIC);
    out.extend_from_slice(&fingerprint().to_le_bytes());
    out.extend_from_slice(&(entries.len() as u32).to_le_bytes());
    for (text, e) in entries {
        out.extend_from_slice(&(text.len() as u32).to_le_bytes());
        out.extend_from_slice(text.as_bytes());
        for v in e.iter() {
            out.extend_from_slice(&v.to_le_bytes());
        }
    }
    out
}

/// The entries of [`encode_cache`]'s bytes; an error for bytes of another model, or that are
/// not such a file (truncated, garbled).
pub fn decode_cache(bytes: &[u8]) -> Result<Vec<(String, Embedding)>, String> {
    let mut at = 0usize;
    let mut take = |n: usize| -> Result<&[u8], String> {
        let s = bytes
            .get(at..at.saturating_add(n))
            .ok_or("the embedding cache is truncated")?;
        at += n;
        Ok(s)
    };
    if take(8)? != CACHE_MAGIC {
        return Err("not an embedding cache".into());
    }
    let u64_of = |b: &[u8]| u64::from_le_bytes(b.try_into().unwrap_or_default());
    let u32_of = |b: &[u8]| u32::from_le_bytes(b.try_into().unwrap_or_default()) as usize;
    if u64_of(take(8)?) != fingerprint() {
        return Err("the embedding cache is of another model".into());
    }
    let count = u32_of(take(4)?);
    let mut out = Vec::new();
    for _ in 0..count {
        let len = u32_of(take(4)?);
        let text = std::str::from_utf8(take(len)?)
            .map_err(|_| "the embedding cache holds text that is not UTF-8")?
            .to_string();
        let e: Embedding = take(DIM * 4)?
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        if !e.iter().all(|v| v.is_finite()) {
            return Err("the embedding cache holds a value that is not a number".into());
        }
        out.push((text, e));
    }
    if at != bytes.len() {
        return Err("the embedding cache has bytes after its end".into());
    }
    Ok(out)
}

/// Most word pieces that [`Model::embed_batch`] puts through the encoder in one pass.
const BATCH_TOKENS: usize = 256;

/// Buffers of one forward pass.
struct Scratch {
    q: Vec<f32>,
    k: Vec<f32>,
    v: Vec<f32>,
    ctx: Vec<f32>,
    proj: Vec<f32>,
    hidden: Vec<f32>,
    scores: Vec<f32>,
}

impl Scratch {
    fn new(n: usize) -> Scratch {
        Scratch {
            q: vec![0.0; n * DIM],
            k: vec![0.0; n * DIM],
            v: vec![0.0; n * DIM],
            ctx: vec![0.0; n * DIM],
            proj: vec![0.0; n * DIM],
            hidden: vec![0.0; n * 4 * DIM],
            scores: vec![0.0; n],
        }
    }
}

impl Layer {
    /// One encoder layer over `n` rows; `spans[i]` is row i's sequence (first row, length),
    /// which its attention stays within.
    fn forward(&self, x: &mut [f32], n: usize, spans: &[(usize, usize)], s: &mut Scratch) {
        self.query.apply(x, n, &mut s.q);
        self.key.apply(x, n, &mut s.k);
        self.value.apply(x, n, &mut s.v);
        let scale = 1.0 / (HEAD_DIM as f32).sqrt();
        for h in 0..HEADS {
            let cols = h * HEAD_DIM..(h + 1) * HEAD_DIM;
            for (i, &(seg, len)) in spans.iter().enumerate().take(n) {
                let qi = &s.q[i * DIM..][cols.clone()];
                let mut max = f32::NEG_INFINITY;
                for j in seg..seg + len {
                    let kj = &s.k[j * DIM..][cols.clone()];
                    let d = qi.iter().zip(kj).map(|(a, b)| a * b).sum::<f32>() * scale;
                    s.scores[j] = d;
                    max = max.max(d);
                }
                let mut total = 0.0;
                for sc in &mut s.scores[seg..seg + len] {
                    *sc = (*sc - max).exp();
                    total += *sc;
                }
                let out = &mut s.ctx[i * DIM..][cols.clone()];
                out.fill(0.0);
                for j in seg..seg + len {
                    let w = s.scores[j] / total;
                    for (o, v) in out.iter_mut().zip(&s.v[j * DIM..][cols.clone()]) {
                        *o += w * v;
                    }
                }
            }
        }
        self.attn_out.apply(&s.ctx, n, &mut s.proj);
        for (row, add) in x.chunks_exact_mut(DIM).zip(s.proj.chunks_exact(DIM)) {
            for (a, b) in row.iter_mut().zip(add) {
                *a += b;
            }
            layer_norm(row, &self.attn_norm);
        }
        self.up.apply(x, n, &mut s.hidden);
        gelu_all(&mut s.hidden[..n * 4 * DIM]);
        self.down.apply(&s.hidden, n, &mut s.proj);
        for (row, add) in x.chunks_exact_mut(DIM).zip(s.proj.chunks_exact(DIM)) {
            for (a, b) in row.iter_mut().zip(add) {
                *a += b;
            }
            layer_norm(row, &self.out_norm);
        }
    }
}

/// Largest magnitude of an activation turned into an integer for [`Linear::apply`]: 14 bits,
/// so that even 1,536 products of it with int8 weights (127) cannot overflow an `i32`
/// (8191 × 127 × 1536 < 2³¹), and fine enough that the result stays within 1e-4 of the row's
/// largest value.
const ACTIVATION_MAX: f32 = 8191.0;

impl Linear {
    /// `out[i] = W x[i] + b` for each of the `n` rows of `x`, in integers: each row of `x` is
    /// scaled to 14-bit integers (one scale per row), multiplied with the int8 weights as
    /// they are stored (no weight is turned into a float), and the integer sums scaled back.
    /// Two weight rows meet [`X_ROWS`] rows of `x` at a time; `x` is padded with zero rows to
    /// a multiple of that.
    fn apply(&self, x: &[f32], n: usize, out: &mut [f32]) {
        let (rows, cols) = (self.w.rows, self.w.cols);
        let padded = n.div_ceil(X_ROWS) * X_ROWS;
        let mut xq = vec![0i16; padded * cols];
        let mut xs = vec![0.0f32; padded];
        for ((row, q), s) in x[..n * cols]
            .chunks_exact(cols)
            .zip(xq.chunks_exact_mut(cols))
            .zip(&mut xs)
        {
            *s = quantize_row(row, q);
        }
        // Integer sums first, `[token][output]`, then scaled back in one pass that vectorises.
        let mut sums = vec![0i32; padded * rows];
        for r in (0..rows).step_by(2) {
            let w = &self.w.data[r * cols..(r + 2) * cols];
            for i in (0..padded).step_by(X_ROWS) {
                let block = dot_i8(w, &xq[i * cols..(i + X_ROWS) * cols]);
                for (k, row) in block.iter().enumerate() {
                    for (t, &sum) in row.iter().enumerate() {
                        sums[(i + t) * rows + r + k] = sum;
                    }
                }
            }
        }
        for ((o, s), &x_scale) in out[..n * rows]
            .chunks_exact_mut(rows)
            .zip(sums.chunks_exact(rows))
            .zip(&xs)
        {
            for (((o, &s), &w_scale), &b) in o.iter_mut().zip(s).zip(&self.w.scales).zip(&self.b) {
                *o = s as f32 * (w_scale * x_scale) + b;
            }
        }
    }
}

/// Writes `row` as integers of at most [`ACTIVATION_MAX`] into `out` and returns the scale
/// that turns them back (`row[j] ≈ out[j] × scale`).
fn quantize_row(row: &[f32], out: &mut [i16]) -> f32 {
    #[cfg(target_arch = "x86_64")]
    if has_fma() {
        // SAFETY: the processor supports AVX2 (checked by `has_fma`).
        return unsafe { quantize_row_avx2(row, out) };
    }
    quantize_row_portable(row, out)
}

/// [`quantize_row_portable`] compiled for AVX2, where rounding is one instruction.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn quantize_row_avx2(row: &[f32], out: &mut [i16]) -> f32 {
    quantize_row_portable(row, out)
}

#[inline(always)]
fn quantize_row_portable(row: &[f32], out: &mut [i16]) -> f32 {
    // The largest magnitude, eight lanes at a time so that it vectorises.
    let mut lanes = [0.0f32; 8];
    let chunks = row.chunks_exact(8);
    let tail = chunks
        .remainder()
        .iter()
        .fold(0.0f32, |m, v| m.max(v.abs()));
    for chunk in chunks {
        for (l, v) in lanes.iter_mut().zip(chunk) {
            *l = l.max(v.abs());
        }
    }
    let max = lanes.iter().fold(tail, |m, &l| m.max(l));
    if !(max > 0.0 && max.is_finite()) {
        out.fill(0);
        return 0.0;
    }
    let to_int = ACTIVATION_MAX / max;
    for (o, v) in out.iter_mut().zip(row) {
        // Rounded to the nearest integer by adding 1.5 × 2^23, which leaves it in the low
        // bits (|v × to_int| <= 8191); vectorises, where a float-to-integer `as` does not.
        *o = (v * to_int + 12_582_912.0)
            .to_bits()
            .wrapping_sub(0x4B40_0000) as i16;
    }
    max / ACTIVATION_MAX
}

/// Rows of `x` that [`dot_i8`] takes at a time: with two weight rows, twelve accumulators,
/// the two weight rows and one row of `x` fill the sixteen AVX2 registers without spilling.
const X_ROWS: usize = 6;

/// The integer dot products of two int8 weight rows (`w`, two rows of equal length) with
/// [`X_ROWS`] rows of `x`: `[weight row][x row]`. Exact, so the AVX2 kernel and the portable
/// loop agree to the last bit.
fn dot_i8(w: &[i8], x: &[i16]) -> [[i32; X_ROWS]; 2] {
    let n = w.len() / 2;
    #[cfg(target_arch = "x86_64")]
    if has_fma() && n.is_multiple_of(16) && x.len() >= X_ROWS * n {
        // SAFETY: the processor supports AVX2, `n` is a multiple of 16, `w` holds two rows
        // and `x` X_ROWS rows of `n` values.
        return unsafe { dot_i8_avx2(w, x) };
    }
    dot_i8_portable(w, x)
}

fn dot_i8_portable(w: &[i8], x: &[i16]) -> [[i32; X_ROWS]; 2] {
    let n = w.len() / 2;
    let mut out = [[0i32; X_ROWS]; 2];
    for (k, o) in out.iter_mut().enumerate() {
        let wk = &w[k * n..(k + 1) * n];
        for (t, v) in o.iter_mut().enumerate() {
            let xt = &x[t * n..(t + 1) * n];
            *v = wk.iter().zip(xt).map(|(&a, &b)| a as i32 * b as i32).sum();
        }
    }
    out
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn dot_i8_avx2(w: &[i8], x: &[i16]) -> [[i32; X_ROWS]; 2] {
    use std::arch::x86_64::*;
    let n = w.len() / 2;
    let (pw, px) = (w.as_ptr(), x.as_ptr());
    let mut acc = [[_mm256_setzero_si256(); X_ROWS]; 2];
    let mut j = 0;
    // SAFETY: j + 16 <= n for every load; row k of w spans k*n..(k+1)*n within w and row t
    // of x spans t*n..(t+1)*n within x. Unaligned loads throughout.
    unsafe {
        while j + 16 <= n {
            let w0 = _mm256_cvtepi8_epi16(_mm_loadu_si128(pw.add(j) as *const __m128i));
            let w1 = _mm256_cvtepi8_epi16(_mm_loadu_si128(pw.add(n + j) as *const __m128i));
            let [a0, a1] = &mut acc;
            for (t, (s0, s1)) in a0.iter_mut().zip(a1.iter_mut()).enumerate() {
                let xv = _mm256_loadu_si256(px.add(t * n + j) as *const __m256i);
                *s0 = _mm256_add_epi32(*s0, _mm256_madd_epi16(w0, xv));
                *s1 = _mm256_add_epi32(*s1, _mm256_madd_epi16(w1, xv));
            }
            j += 16;
        }
    }
    // Horizontal sums, four accumulators at a time: two rounds of pairwise adds leave each
    // accumulator's two half-sums in the low and high 128 bits.
    let flat: [__m256i; 2 * X_ROWS] = std::array::from_fn(|i| acc[i / X_ROWS][i % X_ROWS]);
    let mut sums = [0i32; 2 * X_ROWS];
    for (four, out) in flat.chunks_exact(4).zip(sums.chunks_exact_mut(4)) {
        let t = _mm256_hadd_epi32(
            _mm256_hadd_epi32(four[0], four[1]),
            _mm256_hadd_epi32(four[2], four[3]),
        );
        let t = _mm_add_epi32(_mm256_castsi256_si128(t), _mm256_extracti128_si256::<1>(t));
        // SAFETY: `out` holds exactly four i32 values (128 bits).
        unsafe { _mm_storeu_si128(out.as_mut_ptr() as *mut __m128i, t) };
    }
    std::array::from_fn(|k| std::array::from_fn(|t| sums[k * X_ROWS + t]))
}

#[cfg(target_arch = "x86_64")]
fn has_fma() -> bool {
    static FMA: OnceLock<bool> = OnceLock::new();
    *FMA.get_or_init(|| {
        std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma")
    })
}

fn layer_norm(row: &mut [f32], norm: &Norm) {
    let n = row.len() as f32;
    let mean = row.iter().sum::<f32>() / n;
    let var = row.iter().map(|v| (v - mean) * (v - mean)).sum::<f32>() / n;
    let inv = 1.0 / (var + 1e-12).sqrt();
    for ((v, g), b) in row.iter_mut().zip(&norm.g).zip(&norm.b) {
        *v = (*v - mean) * inv * g + b;
    }
}

/// [`gelu`] over every value, eight at a time with AVX2 where the processor has it.
fn gelu_all(values: &mut [f32]) {
    #[cfg(target_arch = "x86_64")]
    if has_fma() {
        // SAFETY: the processor supports AVX2 and FMA (checked by `has_fma`).
        return unsafe { gelu_all_avx2(values) };
    }
    gelu_all_portable(values)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn gelu_all_avx2(values: &mut [f32]) {
    gelu_all_portable(values)
}

/// A loop without calls or branches, which the compiler turns into vector instructions.
#[inline(always)]
fn gelu_all_portable(values: &mut [f32]) {
    for v in values {
        *v = gelu(*v);
    }
}

/// GELU with the exact error function, as BERT uses.
#[inline(always)]
fn gelu(x: f32) -> f32 {
    0.5 * x * (1.0 + erf(x / std::f32::consts::SQRT_2))
}

/// The error function (Abramowitz and Stegun 7.1.26, absolute error below 1.5e-7).
#[inline(always)]
fn erf(x: f32) -> f32 {
    let a = x.abs();
    let t = 1.0 / (1.0 + 0.327_591_1 * a);
    let y = 1.0
        - (((((1.061_405_4 * t - 1.453_152_1) * t) + 1.421_413_8) * t - 0.284_496_74) * t
            + 0.254_829_6)
            * t
            * exp_negative(-a * a);
    y.copysign(x)
}

/// `e^x` for `x <= 0` (Cephes' single-precision method: `x = n ln 2 + r`, a polynomial in
/// `r`, and `2^n` built from its bits; relative error about 1e-7). Unlike the library's `exp`
/// it inlines, so loops over it become vector instructions. Below -87 it returns about 1e-38
/// rather than 0.
#[inline(always)]
fn exp_negative(x: f32) -> f32 {
    let x = x.clamp(-87.0, 0.0);
    let n = (x * std::f32::consts::LOG2_E).round_ties_even();
    let r = x - n * 0.693_359_4 + n * 2.121_944_4e-4;
    let mut p = 1.987_569_1e-4f32;
    for c in [
        1.398_199_9e-3,
        8.333_452e-3,
        4.166_579_6e-2,
        1.666_666_5e-1,
        0.5,
    ] {
        p = p * r + c;
    }
    let y = p * r * r + r + 1.0;
    // 2^n from its bits. Adding 1.5 × 2^23 leaves the integer n (-126 to 0) in the low bits
    // of the sum, which avoids a float-to-integer conversion the compiler cannot vectorise.
    let n_bits = (n + 12_582_912.0).to_bits().wrapping_sub(0x4B40_0000 - 127);
    y * f32::from_bits(n_bits << 23)
}

/// The dot product of two equally long slices, with AVX2 and FMA where available.
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    #[cfg(target_arch = "x86_64")]
    if has_fma() {
        // SAFETY: the processor supports AVX2 and FMA (checked by `has_fma`).
        return unsafe { dot_fma(a, b) };
    }
    dot_portable(a, b)
}

fn dot_portable(a: &[f32], b: &[f32]) -> f32 {
    let mut acc = [0.0f32; 8];
    let (ca, cb) = (a.chunks_exact(8), b.chunks_exact(8));
    let tail: f32 = ca
        .remainder()
        .iter()
        .zip(cb.remainder())
        .map(|(x, y)| x * y)
        .sum();
    for (x, y) in ca.zip(cb) {
        for k in 0..8 {
            acc[k] += x[k] * y[k];
        }
    }
    acc.iter().sum::<f32>() + tail
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn dot_fma(a: &[f32], b: &[f32]) -> f32 {
    use std::arch::x86_64::*;
    let n = a.len().min(b.len());
    let (pa, pb) = (a.as_ptr(), b.as_ptr());
    let mut acc = [_mm256_setzero_ps(); 4];
    let mut i = 0;
    // SAFETY: every load reads 8 floats at i..i+8 with i + 8 <= n, inside both slices.
    unsafe {
        while i + 32 <= n {
            for (k, acc) in acc.iter_mut().enumerate() {
                let off = i + 8 * k;
                *acc = _mm256_fmadd_ps(
                    _mm256_loadu_ps(pa.add(off)),
                    _mm256_loadu_ps(pb.add(off)),
                    *acc,
                );
            }
            i += 32;
        }
        while i + 8 <= n {
            acc[0] = _mm256_fmadd_ps(
                _mm256_loadu_ps(pa.add(i)),
                _mm256_loadu_ps(pb.add(i)),
                acc[0],
            );
            i += 8;
        }
    }
    let sum = _mm256_add_ps(_mm256_add_ps(acc[0], acc[1]), _mm256_add_ps(acc[2], acc[3]));
    let mut lanes = [0.0f32; 8];
    // SAFETY: `lanes` holds exactly 8 floats.
    unsafe { _mm256_storeu_ps(lanes.as_mut_ptr(), sum) };
    lanes.iter().sum::<f32>()
        + a[i..n]
            .iter()
            .zip(&b[i..n])
            .map(|(x, y)| x * y)
            .sum::<f32>()
}

/// Splits text as BERT's basic uncased tokenizer does: drop control characters, lowercase,
/// strip accents, and cut at white space and around every punctuation mark and CJK character.
fn basic_words(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let flush = |word: &mut String, words: &mut Vec<String>| {
        if !word.is_empty() {
            words.push(std::mem::take(word));
        }
    };
    for c in text.chars() {
        if c == '\u{0}' || c == '\u{fffd}' || (c.is_control() && !c.is_whitespace()) {
            continue;
        }
        if c.is_whitespace() {
            flush(&mut word, &mut words);
        } else if is_punctuation(c) || is_cjk(c) {
            flush(&mut word, &mut words);
            words.push(c.to_string());
        } else {
            for l in c.to_lowercase() {
                if let Some(base) = strip_accent(l) {
                    word.push(base);
                }
            }
        }
    }
    flush(&mut word, &mut words);
    words
}

/// BERT's punctuation: ASCII symbols and Unicode punctuation (quotes, dashes, ...).
fn is_punctuation(c: char) -> bool {
    c.is_ascii_punctuation()
        || matches!(c as u32, 0x2010..=0x2027 | 0x2030..=0x205E | 0x3000..=0x303F | 0xFF01..=0xFF0F)
        || matches!(c, '¡' | '§' | '«' | '¶' | '·' | '»' | '¿')
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x4E00..=0x9FFF | 0x3400..=0x4DBF | 0x20000..=0x2A6DF | 0xF900..=0xFAFF)
}

/// A lowercase letter without its accent ("é" -> "e"); combining marks vanish. Covers the
/// Latin letters news text uses; other characters pass through.
fn strip_accent(c: char) -> Option<char> {
    if matches!(c as u32, 0x0300..=0x036F) {
        return None;
    }
    const FROM: &str =
        "àáâãäåāăąçćĉċčďđèéêëēĕėęěĝğġģĥħìíîïĩīĭįıĵķĺļľŀłñńņňòóôõöøōŏőŕŗřśŝşšţťŧùúûüũūŭůűųŵýÿŷźżž";
    const TO: &str =
        "aaaaaaaaacccccddeeeeeeeeegggghhiiiiiiiiijklllllnnnnoooooooooorrrsssstttuuuuuuuuuuwyyyzzz";
    match FROM.chars().position(|f| f == c) {
        Some(i) => TO.chars().nth(i),
        None => Some(c),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize)]
    struct Reference {
        text: String,
        ids: Vec<u32>,
        embedding: Vec<f32>,
    }

    fn references() -> Vec<Reference> {
        serde_json::from_str(include_str!("../model/reference.json")).unwrap()
    }

    #[test]
    fn tokens_match_the_models_own_tokenizer() {
        for r in references() {
            assert_eq!(model().tokenize(&r.text), r.ids, "{:?}", r.text);
        }
    }

    #[test]
    fn embeddings_match_the_f32_reference() {
        for r in references() {
            let e = model().embed_ids(&r.ids);
            let cos = dot(&e, &r.embedding);
            assert!(cos > 0.98, "{:?}: cosine {cos}", r.text);
        }
    }

    #[test]
    fn a_batch_embeds_each_text_as_alone() {
        let m = model();
        let texts = [
            "referee",
            "goalkeeper injury",
            "land",
            "a longer text of several words",
        ];
        for (t, e) in texts.iter().zip(m.embed_batch(&texts)) {
            let alone = m.embed_ids(&m.tokenize(t));
            assert!(dot(&e, &alone) > 0.9999, "{t}");
        }
        assert!(m.embed_batch(&[]).is_empty());
    }

    #[test]
    fn a_batch_of_many_passes_keeps_every_text_in_its_place() {
        let m = model();
        let texts: Vec<String> = (0..120)
            .map(|i| format!("sentence {i} of a long article about the harbour bridge vote"))
            .collect();
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let pieces: usize = refs.iter().map(|t| m.tokenize(t).len()).sum();
        assert!(pieces > 3 * BATCH_TOKENS, "several passes: {pieces} pieces");
        let batch = m.embed_batch(&refs);
        assert_eq!(batch.len(), refs.len());
        let alone: Vec<Vec<f32>> = refs.iter().map(|t| m.embed_ids(&m.tokenize(t))).collect();
        for (i, e) in batch.iter().enumerate() {
            let own = dot(e, &alone[i]);
            assert!(own > 0.9999, "{}", refs[i]);
            // Each in its own place, not its neighbour's (the texts differ only in a number).
            let other = dot(e, &alone[(i + 1) % refs.len()]);
            assert!(other < own - 1e-4, "{}: {other} next to {own}", refs[i]);
        }
    }

    #[test]
    fn a_batch_fills_the_cache_and_reads_it() {
        let m = model();
        let texts = ["batch cache one", "batch cache two"];
        assert!(m.cached(&texts).is_empty());
        let first = m.embed_batch(&texts);
        let cached = m.cached(&texts);
        assert_eq!(cached.len(), 2);
        assert_eq!(cached[1].1, first[1]);
        assert_eq!(m.embed_batch(&texts[1..])[0], first[1]);
    }

    #[test]
    fn the_cache_file_round_trips_and_refuses_what_it_did_not_write() {
        let entries = vec![
            ("land".to_string(), model().embed("land")),
            ("über".to_string(), model().embed("über")),
        ];
        let bytes = encode_cache(&entries);
        assert_eq!(decode_cache(&bytes).unwrap(), entries);
        assert_eq!(decode_cache(&encode_cache(&[])).unwrap(), []);
        for bad in [
            &bytes[..bytes.len() - 1],
            &bytes[..10],
            b"".as_slice(),
            b"CBEMB1\0\0 not a cache".as_slice(),
        ] {
            assert!(decode_cache(bad).is_err());
        }
        let mut other_model = bytes.clone();
        other_model[8] ^= 1;
        assert!(
            decode_cache(&other_model)
                .unwrap_err()
                .contains("another model")
        );
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(decode_cache(&longer).is_err());
        // A huge count or length in a damaged file is an error, not an allocation.
        let mut huge = bytes;
        huge[16..20].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(decode_cache(&huge).is_err());
    }

    #[test]
    fn whole_words_of_the_vocabulary_are_words() {
        assert!(is_word("country") && is_word("county") && is_word("affect"));
        assert!(!is_word("reaserch") && !is_word("winnning") && !is_word("##ing"));
    }

    #[test]
    fn paraphrases_are_closer_than_unrelated_text() {
        let m = model();
        let q = m.embed("how much land has russia taken");
        let right = m.embed("Russia has taken control of around 20% of Ukraine’s territory.");
        let wrong = m.embed("The conference opened with a speech by the vice president.");
        assert!(dot(&q, &right) > dot(&q, &wrong) + 0.2);
    }

    #[test]
    fn long_text_is_cut_and_odd_text_is_harmless() {
        let m = model();
        let long = "word ".repeat(10_000);
        assert_eq!(m.tokenize(&long).len(), MAX_TOKENS);
        for text in ["", "\u{0}\u{7}", "🦀🦀", "ﬁnance", &"x".repeat(300)] {
            let e = m.embed(text);
            assert_eq!(e.len(), DIM);
            assert!(e.iter().all(|v| v.is_finite()), "{text:?}");
        }
    }

    #[test]
    fn integer_kernels_agree_exactly() {
        let w: Vec<i8> = (0..2 * 384).map(|i| ((i * 37) % 255) as i8).collect();
        let x: Vec<i16> = (0..X_ROWS * 384)
            .map(|i| ((i as f32 * 0.11).cos() * ACTIVATION_MAX) as i16)
            .collect();
        let want = dot_i8_portable(&w, &x);
        assert_eq!(dot_i8(&w, &x), want);
        let (w0, x1) = (&w[..384], &x[384..768]);
        let direct: i32 = w0.iter().zip(x1).map(|(&a, &b)| a as i32 * b as i32).sum();
        assert_eq!(want[0][1], direct);
    }

    #[test]
    fn quantized_rows_come_back_within_their_precision() {
        let row: Vec<f32> = (0..1536).map(|i| (i as f32 * 0.7).sin() * 30.0).collect();
        let mut q = vec![0i16; row.len()];
        let scale = quantize_row(&row, &mut q);
        for (v, &qv) in row.iter().zip(&q) {
            assert!((v - qv as f32 * scale).abs() <= 30.0 / ACTIVATION_MAX);
        }
        let mut zeros = vec![1i16; 4];
        assert_eq!(quantize_row(&[0.0; 4], &mut zeros), 0.0);
        assert_eq!(zeros, [0; 4]);
        quantize_row(&[f32::NAN, 1.0], &mut zeros[..2]);
        assert_eq!(zeros[..2], [0, 8191]);
    }

    #[test]
    fn exp_negative_is_exp() {
        for i in 0..=9000 {
            let x = -(i as f32) * 0.01;
            let (got, want) = (exp_negative(x), x.exp());
            assert!(
                (got - want).abs() <= 2e-7 * want + 1e-37,
                "{x}: {got} {want}"
            );
        }
        assert_eq!(exp_negative(0.0), 1.0);
        assert!(exp_negative(f32::NEG_INFINITY) < 1e-37);
    }

    #[test]
    fn gelu_is_the_exact_gelu() {
        // Reference values of x * Φ(x), the standard normal distribution function.
        for (x, want) in [
            (-3.0, -0.004_049_7),
            (-1.0, -0.158_655_3),
            (0.0, 0.0),
            (0.5, 0.345_731_4),
            (2.0, 1.954_499_7),
        ] {
            assert!((gelu(x) - want).abs() < 1e-6, "{x}: {}", gelu(x));
        }
        let mut all: Vec<f32> = (-40..40).map(|i| i as f32 * 0.1).collect();
        let one_by_one: Vec<f32> = all.iter().map(|&x| gelu(x)).collect();
        gelu_all(&mut all);
        for (a, b) in all.iter().zip(&one_by_one) {
            assert!((a - b).abs() < 1e-6);
        }
    }

    #[test]
    fn dot_kernels_agree() {
        let a: Vec<f32> = (0..389).map(|i| (i as f32 * 0.37).sin()).collect();
        let b: Vec<f32> = (0..389).map(|i| (i as f32 * 0.11).cos()).collect();
        assert!((dot(&a, &b) - dot_portable(&a, &b)).abs() < 1e-3);
    }
}
