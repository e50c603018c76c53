"""Face: admin for enforcement's reference data (standards libraries, checklists, item
lists), declared in the slices. Import lines only."""
import enforcement.cases.admin  # noqa: F401  (自由裁量基准)
