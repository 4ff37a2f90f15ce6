"""After training: histories (a registry of readers), predictions, chance levels,
the losses' label conventions, and the Keras and Lightning callbacks."""
