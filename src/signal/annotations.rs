//! A recording's embedded annotations, read when first used. Most readers have them at open
//! (EDF+ TALs, HDF5 event tables) and hand them over as they are; a WFDB record's live in a
//! separate annotation file that a window read never needs, so its reader hands over a loader
//! instead and the file is read and converted the first time anything looks at the list.
//! Whatever the loader has to say (how many entries, other annotators, a file that could not
//! be read) comes back as notes with the list.

use std::fmt;
use std::ops::{Deref, DerefMut};
use std::sync::{Mutex, OnceLock};

use super::Annotation;

/// The list and the notes a loader gives.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Loaded {
    pub list: Vec<Annotation>,
    pub notes: Vec<String>,
}

type Loader = Box<dyn FnOnce() -> Loaded + Send>;

/// Dereferences to the list (`rec.annotations.len()`, `.iter()`, `&rec.annotations[..]`),
/// loading it on first use.
#[derive(Default)]
pub struct Annotations {
    loaded: OnceLock<Loaded>,
    loader: Mutex<Option<Loader>>,
}

impl Annotations {
    /// A list read later, by `load`, the first time it is used.
    pub fn lazy(load: impl FnOnce() -> Loaded + Send + 'static) -> Annotations {
        Annotations {
            loaded: OnceLock::new(),
            loader: Mutex::new(Some(Box::new(load))),
        }
    }

    /// Whether the list has been read (for tests and for the cost of `info`).
    pub fn is_loaded(&self) -> bool {
        self.loaded.get().is_some()
    }

    /// What the loader said about the list (loads it).
    pub fn notes(&self) -> &[String] {
        &self.get().notes
    }

    fn get(&self) -> &Loaded {
        self.loaded.get_or_init(|| {
            let load = match self.loader.lock() {
                Ok(mut slot) => slot.take(),
                Err(poisoned) => poisoned.into_inner().take(),
            };
            load.map(|f| f()).unwrap_or_default()
        })
    }
}

impl From<Vec<Annotation>> for Annotations {
    fn from(list: Vec<Annotation>) -> Annotations {
        Loaded {
            list,
            notes: Vec::new(),
        }
        .into()
    }
}

impl From<Loaded> for Annotations {
    fn from(loaded: Loaded) -> Annotations {
        Annotations {
            loaded: OnceLock::from(loaded),
            loader: Mutex::new(None),
        }
    }
}

impl Deref for Annotations {
    type Target = Vec<Annotation>;

    fn deref(&self) -> &Vec<Annotation> {
        &self.get().list
    }
}

impl DerefMut for Annotations {
    fn deref_mut(&mut self) -> &mut Vec<Annotation> {
        self.get();
        match self.loaded.get_mut() {
            Some(loaded) => &mut loaded.list,
            None => unreachable!("get() initialised the list"),
        }
    }
}

impl<'a> IntoIterator for &'a Annotations {
    type Item = &'a Annotation;
    type IntoIter = std::slice::Iter<'a, Annotation>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl PartialEq for Annotations {
    fn eq(&self, other: &Annotations) -> bool {
        **self == **other
    }
}

impl PartialEq<Vec<Annotation>> for Annotations {
    fn eq(&self, other: &Vec<Annotation>) -> bool {
        **self == *other
    }
}

impl fmt::Debug for Annotations {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.loaded.get() {
            Some(l) => f.debug_list().entries(&l.list).finish(),
            None => f.write_str("[not read yet]"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    fn point(text: &str) -> Annotation {
        Annotation {
            onset_s: 1.0,
            duration_s: None,
            text: text.into(),
            channel: None,
        }
    }

    #[test]
    fn a_lazy_list_is_read_once_on_first_use_with_its_notes() {
        let calls = Arc::new(AtomicUsize::new(0));
        let c = Arc::clone(&calls);
        let a = Annotations::lazy(move || {
            c.fetch_add(1, Ordering::SeqCst);
            Loaded {
                list: vec![point("N")],
                notes: vec!["annotations: 1".into()],
            }
        });
        assert!(!a.is_loaded());
        assert_eq!(calls.load(Ordering::SeqCst), 0);
        assert_eq!(a.len(), 1);
        assert_eq!(a.notes(), ["annotations: 1".to_string()]);
        assert_eq!(a.iter().count(), 1);
        assert_eq!(calls.load(Ordering::SeqCst), 1, "read once");
    }

    #[test]
    fn an_eager_list_and_a_mutated_lazy_one_behave_as_vectors() {
        assert_eq!(Annotations::from(vec![point("a")]), vec![point("a")]);
        let mut a = Annotations::lazy(Loaded::default);
        a.push(point("b"));
        assert_eq!(a, vec![point("b")]);
        assert!(Annotations::default().is_empty());
    }
}
