//! A test double shared by the journal's and the decisions file's tests: a file in memory on a
//! disk that fills up.

use std::io::Write;
use std::sync::{Arc, Mutex};

use super::journal::JournalFile;

/// A journal in memory that accepts `room` more bytes, writes part of a buffer that does not
/// fit (as a full disk does), then fails with ENOSPC; `truncate_fails` makes cutting fail too.
#[derive(Debug, Clone)]
pub struct Disk {
    pub bytes: Arc<Mutex<Vec<u8>>>,
    pub room: Arc<Mutex<usize>>,
    pub truncate_fails: Arc<Mutex<bool>>,
}

impl Disk {
    pub fn new(room: usize) -> Disk {
        Disk {
            bytes: Arc::default(),
            room: Arc::new(Mutex::new(room)),
            truncate_fails: Arc::default(),
        }
    }
    pub fn text(&self) -> String {
        String::from_utf8(self.bytes.lock().unwrap().clone()).unwrap()
    }
}

impl Write for Disk {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let mut room = self.room.lock().unwrap();
        if *room == 0 {
            return Err(std::io::Error::from_raw_os_error(28)); // ENOSPC
        }
        let n = buf.len().min(*room);
        *room -= n;
        self.bytes.lock().unwrap().extend_from_slice(&buf[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl JournalFile for Disk {
    fn truncate_to(&mut self, len: u64) -> std::io::Result<()> {
        if *self.truncate_fails.lock().unwrap() {
            return Err(std::io::Error::from_raw_os_error(28));
        }
        let mut b = self.bytes.lock().unwrap();
        let cut = b.len() - len as usize;
        b.truncate(len as usize);
        *self.room.lock().unwrap() += cut;
        Ok(())
    }
    fn sync(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
