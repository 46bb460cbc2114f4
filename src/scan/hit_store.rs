//! The hits of a scan while it runs, held compactly and, past a budget,
//! spilled to an anonymous temporary file, so that the walk's memory does
//! not grow with the number of hits.
//!
//! Hits go in one file at a time: a block holds the file's path once, then
//! each distinct hit once with every probe that produced it. Equal hits of
//! different probes come from the same file, so a block is where they are
//! merged, and a reader counting distinct hits per probe set counts exactly
//! what the evaluation's deduplication across probes would keep (see
//! [`super::reduce`]).
//!
//! The spill file is created with [`tempfile::tempfile`]: in the system's
//! temporary directory (never under the repository), unlinked as it is
//! made, so the OS removes it when the process ends, however it ends. When
//! no such file can be made, the hits stay in memory: results never depend
//! on it.

use super::Evidence;
use crate::rubric::model::{Class, ProbeId, Strength};
use arcstr::ArcStr;
use std::io::{BufReader, Read, Seek, SeekFrom, Write};
use std::sync::{Arc, Mutex};

/// Encoded hits kept in memory before they are written to the spill file.
pub const DEFAULT_BUDGET: usize = 1 << 20;

/// Hits of a scan, by file, in the order the files were visited.
#[derive(Debug, Default, Clone)]
pub struct HitStore {
    /// Blocks not spilled yet.
    buffer: Vec<u8>,
    /// Blocks written out, and how many bytes of them.
    spill: Option<Arc<Mutex<std::fs::File>>>,
    spilled: u64,
    /// Past this many buffered bytes the buffer is spilled (0: never).
    budget: usize,
    /// A spill file could not be made or written: keep everything here.
    in_memory: bool,
    hits: u64,
}

impl HitStore {
    /// A store that spills past `budget` bytes (0: never).
    pub fn with_budget(budget: usize) -> HitStore {
        HitStore {
            budget,
            ..HitStore::default()
        }
    }

    /// Whether no hit was stored.
    pub fn is_empty(&self) -> bool {
        self.hits == 0
    }

    /// Distinct hits stored (a hit of several probes counts once).
    pub fn len(&self) -> u64 {
        self.hits
    }

    /// Whether some blocks went to the spill file.
    pub fn spilled(&self) -> bool {
        self.spilled > 0
    }

    /// Stores the hits of one file (all with the same path).
    pub fn push_file(&mut self, hits: Vec<(ProbeId, Evidence)>) {
        let mut encoded = Encoded::default();
        encoded.push_file(hits);
        self.append(&encoded);
    }

    /// Stores hits encoded elsewhere (on a walker thread: the hits are
    /// freed where they were made, and only the bytes cross threads).
    pub fn append(&mut self, encoded: &Encoded) {
        if encoded.bytes.is_empty() {
            return;
        }
        let block = &encoded.bytes;
        self.hits += encoded.hits;
        let spills = self.budget > 0 && !self.in_memory;
        if spills && !self.buffer.is_empty() && self.buffer.len() + block.len() > self.budget {
            self.spill_buffer();
        }
        if spills && self.buffer.capacity() == 0 {
            // Filled up to the budget, never grown past it by doubling.
            self.buffer.reserve_exact(self.budget.max(block.len()));
        }
        self.buffer.extend_from_slice(block);
    }

    fn spill_buffer(&mut self) {
        if self.spill.is_none() {
            match tempfile::tempfile() {
                Ok(file) => self.spill = Some(Arc::new(Mutex::new(file))),
                Err(_) => {
                    self.in_memory = true;
                    return;
                }
            }
        }
        let file = self.spill.as_ref().expect("made above");
        let mut file = file.lock().unwrap_or_else(|e| e.into_inner());
        let written = file
            .seek(SeekFrom::Start(self.spilled))
            .and_then(|_| file.write_all(&self.buffer));
        match written {
            Ok(()) => {
                self.spilled += self.buffer.len() as u64;
                self.buffer.clear();
            }
            // A full disk: what was written stays valid up to `spilled`.
            Err(_) => self.in_memory = true,
        }
    }

    /// Calls `each` with every stored hit and the probes that produced it,
    /// file by file in the order they were stored.
    pub fn for_each(&self, each: impl FnMut(&[ProbeId], &Evidence)) -> std::io::Result<()> {
        self.for_each_where(|_| true, each)
    }

    /// [`Self::for_each`] for the files whose path `select` takes; the
    /// others' hits are skipped without being decoded.
    pub fn for_each_where(
        &self,
        mut select: impl FnMut(&str) -> bool,
        mut each: impl FnMut(&[ProbeId], &Evidence),
    ) -> std::io::Result<()> {
        let mut decoder = Decoder::default();
        if let Some(file) = &self.spill {
            let mut file = file.lock().unwrap_or_else(|e| e.into_inner());
            file.seek(SeekFrom::Start(0))?;
            let mut reader = BufReader::with_capacity(64 << 10, (&mut *file).take(self.spilled));
            decoder.blocks(&mut reader, &mut select, &mut each)?;
        }
        decoder.blocks(&mut self.buffer.as_slice(), &mut select, &mut each)
    }
}

/// The hits of a few files, encoded as a store holds them.
#[derive(Debug, Default)]
pub struct Encoded {
    bytes: Vec<u8>,
    hits: u64,
}

impl Encoded {
    /// Encoded bytes so far.
    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// Adds the hits of one file (all with the same path): its path once,
    /// then each distinct hit once with the probes that produced it.
    pub fn push_file(&mut self, mut hits: Vec<(ProbeId, Evidence)>) {
        let Some((_, first)) = hits.first() else {
            return;
        };
        let path = first.path.clone();
        debug_assert!(hits.iter().all(|(_, e)| e.path == path));
        hits.sort_unstable_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)));
        hits.dedup();
        let mut groups: Vec<(&Evidence, Vec<ProbeId>)> = Vec::new();
        for (probe, hit) in &hits {
            match groups.last_mut() {
                Some((last, probes)) if *last == hit => probes.push(*probe),
                _ => groups.push((hit, vec![*probe])),
            }
        }
        let out = &mut self.bytes;
        put_bytes(out, path.as_bytes());
        put_varint(out, groups.len() as u64);
        for (hit, probes) in &groups {
            put_varint(out, probes.len() as u64);
            for &probe in probes {
                put_varint(out, probe as u64);
            }
            put_varint(out, u64::from(hit.line));
            put_bytes(out, hit.snippet.as_bytes());
            out.push(kind_byte(hit.class, hit.strength));
        }
        self.hits += groups.len() as u64;
    }
}

/// What decoding reuses from hit to hit.
#[derive(Default)]
struct Decoder {
    probes: Vec<ProbeId>,
    text: Vec<u8>,
}

impl Decoder {
    fn blocks(
        &mut self,
        input: &mut impl Read,
        select: &mut impl FnMut(&str) -> bool,
        each: &mut impl FnMut(&[ProbeId], &Evidence),
    ) -> std::io::Result<()> {
        while let Some(path_len) = get_varint_or_end(input)? {
            self.read(input, path_len)?;
            let path = std::str::from_utf8(&self.text).map_err(|_| corrupt())?;
            let records = get_varint(input)?;
            if !select(path) {
                for _ in 0..records {
                    for _ in 0..get_varint(input)? {
                        get_varint(input)?;
                    }
                    get_varint(input)?;
                    let snippet_len = get_varint(input)?;
                    // The snippet and the kind byte.
                    self.read(input, snippet_len + 1)?;
                }
                continue;
            }
            let path = ArcStr::from(path);
            for _ in 0..records {
                self.probes.clear();
                for _ in 0..get_varint(input)? {
                    self.probes.push(get_varint(input)? as ProbeId);
                }
                let line = u32::try_from(get_varint(input)?).map_err(|_| corrupt())?;
                let snippet_len = get_varint(input)?;
                let snippet = self.snippet(input, snippet_len)?;
                let mut kind = [0u8];
                input.read_exact(&mut kind)?;
                let (class, strength) = from_kind_byte(kind[0]).ok_or_else(corrupt)?;
                let hit = Evidence {
                    path: path.clone(),
                    line,
                    snippet,
                    class,
                    strength,
                };
                each(&self.probes, &hit);
            }
        }
        Ok(())
    }

    fn string(&mut self, input: &mut impl Read, len: u64) -> std::io::Result<String> {
        self.read(input, len)?;
        String::from_utf8(self.text.clone()).map_err(|_| corrupt())
    }

    /// Equal snippets share one copy, as when the walk made them.
    fn snippet(&mut self, input: &mut impl Read, len: u64) -> std::io::Result<ArcStr> {
        let text = self.string(input, len)?;
        Ok(super::evidence::shared(text))
    }

    fn read(&mut self, input: &mut impl Read, len: u64) -> std::io::Result<()> {
        let len = usize::try_from(len).map_err(|_| corrupt())?;
        self.text.clear();
        self.text.resize(len, 0);
        input.read_exact(&mut self.text)
    }
}

fn corrupt() -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, "hit store corrupt")
}

const CLASSES: [Class; 4] = [Class::Prod, Class::Test, Class::Example, Class::Notebook];
const STRENGTHS: [Strength; 3] = [Strength::Weak, Strength::Medium, Strength::Strong];

fn kind_byte(class: Class, strength: Strength) -> u8 {
    let c = CLASSES.iter().position(|&c| c == class).unwrap_or(0) as u8;
    let s = STRENGTHS.iter().position(|&s| s == strength).unwrap_or(0) as u8;
    c << 2 | s
}

fn from_kind_byte(byte: u8) -> Option<(Class, Strength)> {
    Some((
        *CLASSES.get(usize::from(byte >> 2))?,
        *STRENGTHS.get(usize::from(byte & 3))?,
    ))
}

fn put_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

fn put_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    put_varint(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

fn get_varint(input: &mut impl Read) -> std::io::Result<u64> {
    get_varint_or_end(input)?.ok_or_else(corrupt)
}

/// A varint, or `None` at the end of the input (before its first byte).
fn get_varint_or_end(input: &mut impl Read) -> std::io::Result<Option<u64>> {
    let mut value = 0u64;
    for shift in (0..64).step_by(7) {
        let mut byte = [0u8];
        if input.read(&mut byte)? == 0 {
            return if shift == 0 { Ok(None) } else { Err(corrupt()) };
        }
        value |= u64::from(byte[0] & 0x7f) << shift;
        if byte[0] & 0x80 == 0 {
            return Ok(Some(value));
        }
    }
    Err(corrupt())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(path: &str, line: u32, snippet: &str, strength: Strength) -> Evidence {
        Evidence::new(path, line, snippet.to_owned(), strength)
    }

    fn read_back(store: &HitStore) -> Vec<(Vec<ProbeId>, Evidence)> {
        let mut out = Vec::new();
        store
            .for_each(|probes, hit| out.push((probes.to_vec(), hit.clone())))
            .expect("reads back");
        out
    }

    #[test]
    fn equal_hits_of_several_probes_are_stored_once_with_every_probe() {
        let mut store = HitStore::with_budget(0);
        let a = hit("src/train.py", 3, "import mlflow", Strength::Strong);
        let b = hit("src/train.py", 9, "mlflow.log_metric(x)", Strength::Medium);
        store.push_file(vec![
            (7, a.clone()),
            (2, a.clone()),
            (7, b.clone()),
            (7, a.clone()),
        ]);
        assert_eq!(store.len(), 2);
        assert_eq!(read_back(&store), vec![(vec![2, 7], a), (vec![7], b)]);
    }

    #[test]
    fn spilled_hits_read_back_in_order_and_unchanged() {
        let mut spilling = HitStore::with_budget(64);
        let mut kept = HitStore::with_budget(0);
        let mut expected = Vec::new();
        for i in 0..500u32 {
            let path = format!("pkg-{}/notebooks/m{i}.ipynb", i % 7);
            let one = hit(&path, i + 1, &format!("x = {}", i % 13), Strength::Weak);
            let two = hit(&path, u32::MAX, "ünïcode …", Strength::Strong);
            let file = vec![(i as usize % 5, one.clone()), (300, two.clone())];
            spilling.push_file(file.clone());
            kept.push_file(file);
            expected.push((vec![i as usize % 5], one));
            expected.push((vec![300], two));
        }
        assert!(spilling.spilled(), "the budget forces a spill");
        assert!(!kept.spilled());
        assert_eq!(read_back(&spilling), expected);
        assert_eq!(read_back(&kept), expected);
        assert_eq!(
            read_back(&spilling.clone()),
            expected,
            "a clone reads the same"
        );
    }

    #[test]
    fn every_class_and_strength_survives_the_round_trip() {
        for class in CLASSES {
            for strength in STRENGTHS {
                assert_eq!(
                    from_kind_byte(kind_byte(class, strength)),
                    Some((class, strength))
                );
            }
        }
        assert_eq!(from_kind_byte(0xff), None);
    }

    #[test]
    fn a_truncated_store_is_an_error_not_a_panic() {
        let mut store = HitStore::with_budget(0);
        store.push_file(vec![(1, hit("a.py", 1, "import torch", Strength::Strong))]);
        store.buffer.pop();
        assert!(store.for_each(|_, _| {}).is_err());
    }
}
