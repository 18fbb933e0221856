//! The binary container of `aggregates.bin` and `checkpoint.bin`, and the one place that
//! knows the codec (bincode 1.3.3, pinned; it is final and unmaintained — RUSTSEC-2025-0141
//! — which is why it sits behind [`encode_into`]/[`decode_from`] where it can be swapped).
//!
//! Layout (little-endian):
//!
//! | bytes   | field                                                     |
//! |---------|-----------------------------------------------------------|
//! | 0..8    | magic: `REMSIMAG` (aggregates) or `REMSIMCK` (checkpoint) |
//! | 8..12   | container format version, u32 ([`CONTAINER_VERSION`])     |
//! | 12..76  | config hash, 64 lower-case hex characters                 |
//! | 76..84  | payload length in bytes, u64                              |
//! | 84..116 | checksum: BLAKE3(bytes 0..84 ‖ BLAKE3(payload))           |
//! | 116..   | payload: a sequence of records, bincode (varint, LE)      |
//!
//! The payload is a sequence of records, written and read one at a time
//! ([`ContainerWriter::item`], [`ContainerReader::item`]), so a file of any size passes
//! through constant memory. A file that is shorter or longer than its header says, of the
//! other kind, of another version, or whose checksum does not match is refused with a
//! sentence saying which — before any record is decoded.

use crate::error::IoError;
use crate::files::PendingFile;
use crate::records::CellRecordRef;
use bincode::Options;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// Version of the container layout and of the records' encoding.
pub const CONTAINER_VERSION: u32 = 2;
/// Bytes before the payload.
pub const HEADER_LEN: usize = 116;
/// Payload bytes a [`ContainerWriter`] gathers before hashing and writing them.
const CHUNK: usize = 1 << 16;
const HASH_LEN: usize = 64;

/// Which record a container holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// `aggregates.bin`: an [`crate::AggregatesHeader`] and its cells.
    Aggregates,
    /// `checkpoint.bin`: a [`crate::CheckpointRecord`], then aggregates as above.
    Checkpoint,
}

impl FileKind {
    fn magic(self) -> &'static [u8; 8] {
        match self {
            FileKind::Aggregates => b"REMSIMAG",
            FileKind::Checkpoint => b"REMSIMCK",
        }
    }

    fn describe(self) -> &'static str {
        match self {
            FileKind::Aggregates => "remsim aggregates file",
            FileKind::Checkpoint => "remsim checkpoint",
        }
    }
}

/// The codec options, in one place: varint integers, little-endian; records follow each
/// other, so trailing bytes are checked by the container, not the codec.
fn codec() -> impl Options {
    bincode::DefaultOptions::new()
        .with_varint_encoding()
        .with_little_endian()
        .allow_trailing_bytes()
}

/// Appends the encoding of `record` to `buffer` (the only call into the codec for writing).
pub fn encode_into<T: Serialize>(buffer: &mut Vec<u8>, record: &T) -> Result<(), String> {
    codec()
        .serialize_into(buffer, record)
        .map_err(|e| e.to_string())
}

/// Appends the encoding of a cell record to `buffer`: the bytes [`encode_into`] gives
/// (bincode 1.3.3, varint, little-endian; `tests` compares the two on random records),
/// written directly. Aggregates are ~37,000 such records a write, and serde's generic path
/// through the codec costs ~1,600 instructions a record, this ~200.
///
/// The encoding, field by field in declaration order: an unsigned integer (a length
/// included) is one byte up to 250, else a marker byte (251, 252, 253) and the value as a
/// little-endian u16, u32 or u64, whichever is the smallest that holds it; a signed one is
/// first zigzag-mapped (`n ≥ 0` to `2n`, `n < 0` to `−2n − 1`); an `f64` is its 8
/// little-endian bytes; an array is its items; a slice its length, then its items.
pub fn encode_cell_into(buffer: &mut Vec<u8>, record: &CellRecordRef<'_>) {
    /// The fixed part of a record — 15 varints of at most 9 bytes (count, excluded, ten
    /// limbs, zeros, the positive side's first key and length) and two f64s — laid out on
    /// the stack and appended at once (a `Vec` push checks its capacity every time).
    struct Head {
        bytes: [u8; HEAD_BYTES],
        len: usize,
    }
    const HEAD_BYTES: usize = 15 * 9 + 2 * 8;
    impl Head {
        /// Every write is of a fixed length (an `f64`'s 8 bytes, a varint's marker and 8
        /// bytes, of which only its width is kept: the value's low bytes, little-endian),
        /// which compiles to moves instead of a call to `memcpy`; `HEAD_BYTES` leaves room
        /// for the widest record.
        #[inline(always)]
        fn f64(&mut self, x: f64) {
            if let Some(slot) = self.bytes.get_mut(self.len..self.len + 8) {
                slot.copy_from_slice(&x.to_le_bytes());
                self.len += 8;
            }
        }
        /// One byte up to 250; the rest a marker and 2, 4 or 8 bytes.
        #[inline(always)]
        fn varint(&mut self, n: u64) {
            let Some(slot) = self.bytes.get_mut(self.len..self.len + 9) else {
                return;
            };
            match varint_marker(n) {
                None => {
                    slot[0] = n as u8;
                    self.len += 1;
                }
                Some((marker, width)) => {
                    slot[0] = marker;
                    slot[1..].copy_from_slice(&n.to_le_bytes());
                    self.len += 1 + width;
                }
            }
        }
    }
    /// bincode 1.3's varint: `None` for a value written as its one byte (up to 250), else
    /// the marker and how many little-endian bytes follow it.
    #[inline(always)]
    fn varint_marker(n: u64) -> Option<(u8, usize)> {
        if n <= 250 {
            None
        } else if n <= u64::from(u16::MAX) {
            Some((251, 2))
        } else if n <= u64::from(u32::MAX) {
            Some((252, 4))
        } else {
            Some((253, 8))
        }
    }
    fn varint(buffer: &mut Vec<u8>, n: u64) {
        match varint_marker(n) {
            None => buffer.push(n as u8),
            Some((marker, width)) => {
                buffer.push(marker);
                buffer.extend_from_slice(&n.to_le_bytes()[..width]);
            }
        }
    }
    fn zigzag(n: i32) -> u64 {
        let n = i64::from(n);
        if n < 0 {
            !(n as u64) * 2 + 1
        } else {
            (n as u64) * 2
        }
    }
    fn counts(buffer: &mut Vec<u8>, counts: &[u32]) {
        if counts.iter().fold(0, |a, &c| a | c) <= 127 {
            // All one byte each (the common case: a batch's counts are small).
            buffer.extend(counts.iter().map(|&c| c as u8));
        } else {
            for &c in counts {
                varint(buffer, u64::from(c));
            }
        }
    }
    let r = record;
    let mut head = Head {
        bytes: [0; HEAD_BYTES],
        len: 0,
    };
    head.varint(r.count);
    head.varint(r.excluded);
    for &limb in r.sum.iter().chain(&r.sum_sq) {
        head.varint(limb);
    }
    head.f64(r.min);
    head.f64(r.max);
    head.varint(r.zeros);
    head.varint(zigzag(r.positive_first));
    head.varint(r.positive.len() as u64);
    // At most 5 bytes a count, and the negative side's two varints.
    buffer.reserve(head.len + 2 * 9 + 5 * (r.positive.len() + r.negative.len()));
    buffer.extend_from_slice(&head.bytes[..head.len]);
    counts(buffer, r.positive);
    varint(buffer, zigzag(r.negative_first));
    varint(buffer, r.negative.len() as u64);
    counts(buffer, r.negative);
}

/// Decodes one record from `reader`, reading at most `limit` bytes (the only call into the
/// codec for reading).
pub fn decode_from<T: DeserializeOwned, R: Read>(reader: R, limit: u64) -> Result<T, String> {
    codec()
        .with_limit(limit)
        .deserialize_from(reader)
        .map_err(|e| e.to_string())
}

fn check_hash(config_hash: &str) -> Result<(), String> {
    if config_hash.len() != HASH_LEN || !config_hash.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(format!(
            "config hash `{config_hash}` is not 64 hex characters"
        ));
    }
    Ok(())
}

fn header_fields(kind: FileKind, config_hash: &str, payload_len: u64) -> Vec<u8> {
    let mut header = Vec::with_capacity(HEADER_LEN);
    header.extend_from_slice(kind.magic());
    header.extend_from_slice(&CONTAINER_VERSION.to_le_bytes());
    header.extend_from_slice(config_hash.as_bytes());
    header.extend_from_slice(&payload_len.to_le_bytes());
    header
}

fn checksum(header_fields: &[u8], payload_hash: &blake3::Hash) -> [u8; 32] {
    let mut hasher = blake3::Hasher::new();
    hasher.update(header_fields);
    hasher.update(payload_hash.as_bytes());
    *hasher.finalize().as_bytes()
}

/// Writes a container record by record to `path.tmp`, then renames it into place.
pub struct ContainerWriter {
    path: PathBuf,
    pending: PendingFile,
    kind: FileKind,
    config_hash: String,
    file: BufWriter<File>,
    hasher: blake3::Hasher,
    payload_len: u64,
    buffer: Vec<u8>,
}

impl ContainerWriter {
    /// Starts a container of `kind` for the config with hash `config_hash`.
    pub fn create(
        path: &Path,
        kind: FileKind,
        config_hash: &str,
    ) -> Result<ContainerWriter, IoError> {
        check_hash(config_hash).map_err(|message| IoError::Encode {
            path: path.to_path_buf(),
            message,
        })?;
        let (pending, file) = PendingFile::create(path)?;
        let mut file = BufWriter::with_capacity(CHUNK, file);
        file.write_all(&[0u8; HEADER_LEN])
            .map_err(|e| IoError::os(pending.tmp(), e))?;
        Ok(ContainerWriter {
            path: path.to_path_buf(),
            pending,
            kind,
            config_hash: config_hash.to_string(),
            file,
            hasher: blake3::Hasher::new(),
            payload_len: 0,
            buffer: Vec::with_capacity(CHUNK + 4096),
        })
    }

    /// Appends one record.
    ///
    /// Records gather in a buffer that is hashed and written [`CHUNK`] bytes or more at a
    /// time: BLAKE3 hashes a long input several chunks at once with vector instructions,
    /// but a record (~100 bytes) at a time it compresses block by block, ~9 instructions a
    /// byte. The hash of the concatenation is the same however it is fed.
    pub fn item<T: Serialize>(&mut self, record: &T) -> Result<(), IoError> {
        let start = self.buffer.len();
        if let Err(message) = encode_into(&mut self.buffer, record) {
            self.buffer.truncate(start);
            return Err(IoError::Encode {
                path: self.path.clone(),
                message,
            });
        }
        if self.buffer.len() >= CHUNK {
            self.drain()?;
        }
        Ok(())
    }

    /// Appends one cell record: [`ContainerWriter::item`] of the record, through
    /// [`encode_cell_into`].
    pub fn cell(&mut self, record: &CellRecordRef<'_>) -> Result<(), IoError> {
        encode_cell_into(&mut self.buffer, record);
        if self.buffer.len() >= CHUNK {
            self.drain()?;
        }
        Ok(())
    }

    /// Hashes and writes the buffered records.
    fn drain(&mut self) -> Result<(), IoError> {
        self.hasher.update(&self.buffer);
        self.payload_len += self.buffer.len() as u64;
        let written = self.file.write_all(&self.buffer);
        self.buffer.clear();
        written.map_err(|e| IoError::os(self.pending.tmp(), e))
    }

    /// Writes the header, syncs, and renames the file into place.
    pub fn finish(mut self) -> Result<(), IoError> {
        self.drain()?;
        let ContainerWriter {
            pending,
            kind,
            config_hash,
            file,
            hasher,
            payload_len,
            ..
        } = self;
        let mut file = file
            .into_inner()
            .map_err(|e| IoError::os(pending.tmp(), e.into_error()))?;
        let mut header = header_fields(kind, &config_hash, payload_len);
        let sum = checksum(&header, &hasher.finalize());
        header.extend_from_slice(&sum);
        file.seek(SeekFrom::Start(0))
            .and_then(|_| file.write_all(&header))
            .map_err(|e| IoError::os(pending.tmp(), e))?;
        pending.commit(file)
    }
}

/// Reads a container record by record, after checking its header and checksum.
pub struct ContainerReader {
    path: PathBuf,
    kind: FileKind,
    config_hash: String,
    reader: BufReader<File>,
    remaining: u64,
}

impl ContainerReader {
    /// Opens `path`, refusing it unless it is an intact container of `kind`.
    pub fn open(path: &Path, kind: FileKind) -> Result<ContainerReader, IoError> {
        let refuse = |problem: String| IoError::refused(path, problem);
        let file = File::open(path).map_err(|e| IoError::os(path, e))?;
        let size = file.metadata().map_err(|e| IoError::os(path, e))?.len();
        let mut reader = BufReader::with_capacity(1 << 16, file);
        let mut header = vec![0u8; HEADER_LEN.min(size as usize)];
        reader
            .read_exact(&mut header)
            .map_err(|e| IoError::os(path, e))?;
        let (config_hash, length) = check_header(&header, kind, size).map_err(refuse)?;
        let mut hasher = blake3::Hasher::new();
        let mut chunk = vec![0u8; 1 << 16];
        loop {
            let n = reader.read(&mut chunk).map_err(|e| IoError::os(path, e))?;
            if n == 0 {
                break;
            }
            hasher.update(&chunk[..n]);
        }
        if checksum(&header[..84], &hasher.finalize())[..] != header[84..HEADER_LEN] {
            return Err(refuse(format!(
                "corrupted {}: checksum mismatch",
                kind.describe()
            )));
        }
        reader
            .seek(SeekFrom::Start(HEADER_LEN as u64))
            .map_err(|e| IoError::os(path, e))?;
        Ok(ContainerReader {
            path: path.to_path_buf(),
            kind,
            config_hash,
            reader,
            remaining: length,
        })
    }

    /// The config hash the file was written for.
    pub fn config_hash(&self) -> &str {
        &self.config_hash
    }

    /// Decodes the next record.
    pub fn item<T: DeserializeOwned>(&mut self) -> Result<T, IoError> {
        let mut take = (&mut self.reader).take(self.remaining);
        let record = decode_from(&mut take, self.remaining).map_err(|e| {
            IoError::refused(
                &self.path,
                format!("corrupted {}: cannot decode: {e}", self.kind.describe()),
            )
        })?;
        self.remaining = take.limit();
        Ok(record)
    }

    /// Checks that every payload byte was read.
    pub fn finish(self) -> Result<(), IoError> {
        if self.remaining != 0 {
            return Err(IoError::refused(
                &self.path,
                format!(
                    "corrupted {}: {} bytes left after the last record",
                    self.kind.describe(),
                    self.remaining
                ),
            ));
        }
        Ok(())
    }
}

/// Checks magic, version, hash and length; returns the hash and the payload length.
fn check_header(bytes: &[u8], kind: FileKind, size: u64) -> Result<(String, u64), String> {
    let what = kind.describe();
    let Some(magic) = bytes.get(..8) else {
        return Err(format!(
            "not a {what}: {size} bytes, too short to hold a header"
        ));
    };
    if magic != kind.magic() {
        let other = [FileKind::Aggregates, FileKind::Checkpoint]
            .into_iter()
            .find(|k| magic == k.magic());
        return Err(match other {
            Some(other) => format!("this is a {}, not a {what}", other.describe()),
            None => format!(
                "not a {what} (it does not start with {:?})",
                String::from_utf8_lossy(kind.magic())
            ),
        });
    }
    if bytes.len() < HEADER_LEN {
        return Err(format!(
            "truncated {what}: {size} bytes, shorter than its {HEADER_LEN}-byte header"
        ));
    }
    let version = u32::from_le_bytes(le(&bytes[8..12]));
    if version != CONTAINER_VERSION {
        return Err(format!(
            "{what} of format version {version}; this remsim reads version {CONTAINER_VERSION}"
        ));
    }
    let hash = &bytes[12..12 + HASH_LEN];
    if !hash.iter().all(u8::is_ascii_hexdigit) {
        return Err(format!("corrupted {what}: the config hash is not hex"));
    }
    let length = u64::from_le_bytes(le(&bytes[76..84]));
    let actual = size - HEADER_LEN as u64;
    if length != actual {
        return Err(if actual < length {
            format!(
                "truncated {what}: the header announces {length} payload bytes, the file holds {actual}"
            )
        } else {
            format!("corrupted {what}: {actual} payload bytes where the header announces {length}")
        });
    }
    Ok((String::from_utf8_lossy(hash).into_owned(), length))
}

fn le<const N: usize>(bytes: &[u8]) -> [u8; N] {
    let mut out = [0u8; N];
    out.copy_from_slice(&bytes[..N]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::CellRecord;
    use proptest::prelude::*;

    /// Integers around every width the varint encoding switches at.
    fn edgy_u64() -> impl Strategy<Value = u64> {
        prop_oneof![
            0u64..300,
            (0u32..64).prop_flat_map(|bits| {
                let at = 1u64 << bits;
                (at.saturating_sub(3)..=at.saturating_add(3)).prop_map(|n| n)
            }),
            prop_oneof![
                Just(250u64),
                Just(251),
                Just(65_535),
                Just(65_536),
                Just(u64::MAX)
            ],
            any::<u64>(),
        ]
    }

    fn edgy_u32() -> impl Strategy<Value = u32> {
        prop_oneof![
            0u32..300,
            prop_oneof![
                Just(250u32),
                Just(251),
                Just(65_535),
                Just(65_536),
                Just(u32::MAX)
            ],
            any::<u32>(),
        ]
    }

    fn edgy_i32() -> impl Strategy<Value = i32> {
        prop_oneof![-300i32..300, Just(i32::MIN), Just(i32::MAX), any::<i32>()]
    }

    fn any_cell() -> impl Strategy<Value = CellRecord> {
        (
            (
                edgy_u64(),
                edgy_u64(),
                [edgy_u64(), edgy_u64(), edgy_u64(), edgy_u64(), edgy_u64()],
            ),
            [edgy_u64(), edgy_u64(), edgy_u64(), edgy_u64(), edgy_u64()],
            (any::<f64>(), any::<f64>(), edgy_u64()),
            (edgy_i32(), proptest::collection::vec(edgy_u32(), 0..40)),
            (edgy_i32(), proptest::collection::vec(edgy_u32(), 0..300)),
        )
            .prop_map(
                |((count, excluded, sum), sum_sq, (min, max, zeros), pos, neg)| CellRecord {
                    count,
                    excluded,
                    sum,
                    sum_sq,
                    min,
                    max,
                    zeros,
                    positive_first: pos.0,
                    positive: pos.1,
                    negative_first: neg.0,
                    negative: neg.1,
                },
            )
    }

    fn borrowed(c: &CellRecord) -> CellRecordRef<'_> {
        CellRecordRef {
            count: c.count,
            excluded: c.excluded,
            sum: c.sum,
            sum_sq: c.sum_sq,
            min: c.min,
            max: c.max,
            zeros: c.zeros,
            positive_first: c.positive_first,
            positive: &c.positive,
            negative_first: c.negative_first,
            negative: &c.negative,
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3_000))]

        /// The direct encoding of a cell is the codec's, byte for byte, and the borrowed
        /// record encodes as the owned one.
        #[test]
        fn cells_are_encoded_as_the_codec_encodes_them(cell in any_cell()) {
            let mut codec = Vec::new();
            encode_into(&mut codec, &cell).unwrap();
            let mut codec_borrowed = Vec::new();
            encode_into(&mut codec_borrowed, &borrowed(&cell)).unwrap();
            let mut direct = vec![9u8]; // appends after what is there
            encode_cell_into(&mut direct, &borrowed(&cell));
            prop_assert_eq!(&codec_borrowed, &codec);
            prop_assert_eq!(direct[0], 9);
            prop_assert_eq!(&direct[1..], &codec[..]);
        }
    }

    /// The widest fixed part (every integer 9 bytes, the first keys 5) is laid out whole.
    #[test]
    fn the_widest_record_is_encoded_as_the_codec_encodes_it() {
        let cell = CellRecord {
            count: u64::MAX,
            excluded: u64::MAX,
            sum: [u64::MAX; 5],
            sum_sq: [u64::MAX; 5],
            min: f64::MIN,
            max: f64::MAX,
            zeros: u64::MAX,
            positive_first: i32::MIN,
            positive: vec![u32::MAX; 300],
            negative_first: i32::MAX,
            negative: vec![u32::MAX; 70_000],
        };
        let mut codec = Vec::new();
        encode_into(&mut codec, &cell).unwrap();
        let mut direct = Vec::new();
        encode_cell_into(&mut direct, &borrowed(&cell));
        assert_eq!(direct, codec);
    }

    /// A container of many records (several chunks) reads back record by record, and
    /// `cell` writes what `item` writes.
    #[test]
    fn many_records_across_chunks_read_back() {
        let cells: Vec<CellRecord> = (0..3_000u32)
            .map(|i| CellRecord {
                count: u64::from(i) * 977,
                excluded: u64::from(i % 3),
                sum: [u64::from(i), 1 << 40, 0, u64::MAX, 7],
                sum_sq: [0, 0, u64::from(i) << 20, 1, 2],
                min: -f64::from(i),
                max: f64::from(i) * 1.5,
                zeros: 3,
                positive_first: i as i32 - 1_500,
                positive: (0..i % 50).collect(),
                negative_first: -(i as i32),
                negative: vec![i; (i % 7) as usize],
            })
            .collect();
        let by_item = dir().join("chunks-item.bin");
        let by_cell = dir().join("chunks-cell.bin");
        let mut w = ContainerWriter::create(&by_item, FileKind::Aggregates, HASH).unwrap();
        w.item(&7u32).unwrap();
        for c in &cells {
            w.item(c).unwrap();
        }
        w.finish().unwrap();
        let mut w = ContainerWriter::create(&by_cell, FileKind::Aggregates, HASH).unwrap();
        w.item(&7u32).unwrap();
        for c in &cells {
            w.cell(&borrowed(c)).unwrap();
        }
        w.finish().unwrap();
        let bytes = std::fs::read(&by_item).unwrap();
        assert!(bytes.len() > 3 * CHUNK, "{} bytes", bytes.len());
        assert_eq!(bytes, std::fs::read(&by_cell).unwrap());
        let mut r = ContainerReader::open(&by_cell, FileKind::Aggregates).unwrap();
        assert_eq!(r.item::<u32>().unwrap(), 7);
        for c in &cells {
            assert_eq!(&r.item::<CellRecord>().unwrap(), c);
        }
        r.finish().unwrap();
    }

    const HASH: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    type Sample = (Vec<u64>, String, f64);

    fn dir() -> PathBuf {
        let d = std::env::temp_dir().join(format!("remsim-io-container-{}", std::process::id()));
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    fn sample(path: &Path) -> Vec<u8> {
        let mut w = ContainerWriter::create(path, FileKind::Aggregates, HASH).unwrap();
        w.item(&(vec![1u64, 2, 300], "x".to_string(), -1.5f64))
            .unwrap();
        w.item(&7u32).unwrap();
        w.finish().unwrap();
        std::fs::read(path).unwrap()
    }

    fn read_all(path: &Path, kind: FileKind) -> Result<(String, Sample, u32), IoError> {
        let mut r = ContainerReader::open(path, kind)?;
        let hash = r.config_hash().to_string();
        let a: Sample = r.item()?;
        let b: u32 = r.item()?;
        r.finish()?;
        Ok((hash, a, b))
    }

    #[test]
    fn round_trips() {
        let path = dir().join("round.bin");
        sample(&path);
        let (hash, a, b) = read_all(&path, FileKind::Aggregates).unwrap();
        assert_eq!(hash, HASH);
        assert_eq!(a, (vec![1, 2, 300], "x".to_string(), -1.5));
        assert_eq!(b, 7);
    }

    /// Every way a file can be damaged, with the start of the message it must give.
    #[test]
    fn damaged_files_are_refused_with_a_reason() {
        let d = dir();
        let good = sample(&d.join("good.bin"));
        let flip = |at: usize| {
            let mut b = good.clone();
            b[at] ^= 0x40;
            b
        };
        let with_version = {
            let mut b = good.clone();
            b[8] = 3;
            b
        };
        let cases: Vec<(&str, Vec<u8>, FileKind, &str)> = vec![
            (
                "empty",
                vec![],
                FileKind::Aggregates,
                "not a remsim aggregates file: 0 bytes",
            ),
            (
                "foreign",
                b"PK\x03\x04 a zip file, say".to_vec(),
                FileKind::Aggregates,
                "not a remsim aggregates file (it does not start with",
            ),
            (
                "other kind",
                good.clone(),
                FileKind::Checkpoint,
                "this is a remsim aggregates file, not a remsim checkpoint",
            ),
            (
                "header cut",
                good[..50].to_vec(),
                FileKind::Aggregates,
                "truncated remsim aggregates file: 50 bytes",
            ),
            (
                "payload cut",
                good[..good.len() - 1].to_vec(),
                FileKind::Aggregates,
                "truncated remsim aggregates file: the header announces",
            ),
            (
                "appended",
                [good.clone(), vec![0]].concat(),
                FileKind::Aggregates,
                "corrupted remsim aggregates file: ",
            ),
            (
                "newer version",
                with_version,
                FileKind::Aggregates,
                "remsim aggregates file of format version 3",
            ),
            (
                "payload bit",
                flip(good.len() - 2),
                FileKind::Aggregates,
                "corrupted remsim aggregates file: checksum mismatch",
            ),
            (
                "hash bit",
                flip(20),
                FileKind::Aggregates,
                "corrupted remsim aggregates file: the config hash",
            ),
            (
                "length bit",
                flip(77),
                FileKind::Aggregates,
                "truncated remsim aggregates file: the header announces",
            ),
            (
                "checksum bit",
                flip(90),
                FileKind::Aggregates,
                "corrupted remsim aggregates file: checksum mismatch",
            ),
        ];
        for (name, bytes, kind, expected) in cases {
            let path = d.join(format!("{}.bin", name.replace(' ', "-")));
            std::fs::write(&path, &bytes).unwrap();
            let err = read_all(&path, kind).unwrap_err().to_string();
            let shown = format!("{}: {expected}", path.display());
            assert!(err.starts_with(&shown), "{name}: {err}");
        }
    }
}
