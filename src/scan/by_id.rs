//! A map from probe id to what the plan compiled for it. Probe ids are
//! dense indexes, so a vector replaces hashing on the per-file path.

use crate::rubric::model::ProbeId;

pub struct ById<T>(Vec<Option<T>>);

impl<T> Default for ById<T> {
    fn default() -> Self {
        ById(Vec::new())
    }
}

impl<T> ById<T> {
    pub fn insert(&mut self, id: ProbeId, value: T) {
        if self.0.len() <= id {
            self.0.resize_with(id + 1, || None);
        }
        self.0[id] = Some(value);
    }

    pub fn get(&self, id: &ProbeId) -> Option<&T> {
        self.0.get(*id).and_then(Option::as_ref)
    }
}

impl<T> std::ops::Index<&ProbeId> for ById<T> {
    type Output = T;

    fn index(&self, id: &ProbeId) -> &T {
        self.get(id)
            .expect("the plan compiled every probe it targets")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_map_to_their_values_and_gaps_to_none() {
        let mut map = ById::default();
        map.insert(3, "three");
        map.insert(1, "one");
        assert_eq!(map[&3], "three");
        assert_eq!(map.get(&1), Some(&"one"));
        assert_eq!(map.get(&2), None);
        assert_eq!(map.get(&9), None);
    }
}
