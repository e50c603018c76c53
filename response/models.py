"""Face: the response models live in its slices; importing them here registers them
with Django (app label `response`). Import lines only."""
