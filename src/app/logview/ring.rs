//! The lines the log view keeps, oldest first: each its time, its group's number and its
//! text. The text lives in blocks of a megabyte shared by many lines rather than in an
//! allocation of its own, and a line's slot is 24 bytes: a line costs its text and little
//! more, and dropping the oldest lines gives whole blocks back.

use std::collections::VecDeque;

use crate::domain::Timestamp;

/// The text of this many bytes of lines goes in one allocation (a longer line gets its own).
const BLOCK: usize = 1 << 20;

/// Where a line's text is: its block (numbered since the ring was made) and its place in it.
#[derive(Debug, Clone, Copy)]
struct Slot {
    timestamp: Timestamp,
    block: u32,
    start: u32,
    len: u32,
    group: u16,
}

/// A kept line, borrowed from the ring.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ViewLine<'a> {
    pub timestamp: Timestamp,
    pub group: u16,
    pub message: &'a str,
}

#[derive(Debug, Clone, Default)]
pub struct Ring {
    slots: VecDeque<Slot>,
    blocks: VecDeque<String>,
    /// The number of `blocks[0]`.
    first_block: u32,
}

impl Ring {
    /// What a line of `len` bytes of text costs the ring, roughly: its text and its slot.
    pub fn cost(len: usize) -> usize {
        len + std::mem::size_of::<Slot>()
    }

    pub fn len(&self) -> usize {
        self.slots.len()
    }

    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    pub fn push(&mut self, timestamp: Timestamp, group: u16, text: &str) {
        let fits = self.blocks.back().is_some_and(|b| b.capacity() - b.len() >= text.len());
        if !fits {
            self.blocks.push_back(String::with_capacity(BLOCK.max(text.len())));
        }
        let block = self.first_block.wrapping_add(self.blocks.len() as u32 - 1);
        let Some(b) = self.blocks.back_mut() else { return };
        // Lines are at most 256 KB and blocks a megabyte or one line: offsets fit in 32 bits.
        let start = b.len() as u32;
        b.push_str(text);
        self.slots.push_back(Slot { timestamp, block, start, len: text.len() as u32, group });
    }

    /// Lets go of the oldest line; returns the length of its text. Blocks no kept line uses are
    /// freed.
    pub fn pop_front(&mut self) -> Option<usize> {
        let gone = self.slots.pop_front()?;
        let keep_from = match self.slots.front() {
            Some(s) => s.block,
            None => self.first_block.wrapping_add(self.blocks.len() as u32),
        };
        while self.first_block != keep_from && self.blocks.pop_front().is_some() {
            self.first_block = self.first_block.wrapping_add(1);
        }
        Some(gone.len as usize)
    }

    pub fn clear(&mut self) {
        while self.pop_front().is_some() {}
    }

    pub fn get(&self, i: usize) -> Option<ViewLine<'_>> {
        let s = self.slots.get(i)?;
        let block = self.blocks.get(s.block.wrapping_sub(self.first_block) as usize)?;
        let message = block.get(s.start as usize..(s.start + s.len) as usize)?;
        Some(ViewLine { timestamp: s.timestamp, group: s.group, message })
    }

    pub fn iter(&self) -> impl Iterator<Item = ViewLine<'_>> {
        (0..self.len()).filter_map(|i| self.get(i))
    }

    /// Bytes the blocks hold (blocks are given back as lines go).
    #[cfg(test)]
    fn block_bytes(&self) -> usize {
        self.blocks.iter().map(String::capacity).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_come_back_as_pushed_and_blocks_go_with_their_lines() {
        let mut r = Ring::default();
        let text = |i: usize| format!("line {i} {}", "x".repeat(i % 300));
        for i in 0..20_000 {
            r.push(Timestamp(i as i64), (i % 3) as u16, &text(i));
        }
        assert!(r.blocks.len() > 2, "{} blocks", r.blocks.len());
        assert_eq!(
            r.get(12_345).map(|l| (l.timestamp.millis(), l.group, l.message.to_string())),
            Some((12_345, 0, text(12_345)))
        );
        for i in 0..19_000 {
            assert_eq!(r.pop_front(), Some(text(i).len()));
        }
        assert_eq!(r.len(), 1_000);
        assert_eq!(r.get(0).map(|l| l.message.to_string()), Some(text(19_000)));
        assert!(r.block_bytes() <= 2 * BLOCK, "the blocks of gone lines are freed: {}", r.block_bytes());
        let long = "y".repeat(3 * BLOCK);
        r.push(Timestamp(1), 0, &long);
        assert_eq!(r.iter().last().map(|l| l.message.len()), Some(long.len()), "a line longer than a block");
        r.clear();
        assert_eq!((r.len(), r.block_bytes()), (0, 0));
        r.push(Timestamp(2), 1, "again");
        assert_eq!(r.get(0).map(|l| l.message), Some("again"));
    }
}
