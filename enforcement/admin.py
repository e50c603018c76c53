"""Face: admin for enforcement's reference data (standards libraries, checklists, item
lists), declared in the slices. Import lines only."""
import enforcement.risk.admin  # noqa: F401  (风险点标准库, 风险判定准则)
