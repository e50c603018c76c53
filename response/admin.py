"""Face: admin for response's reference data (incident types, deadlines, duty patterns),
declared in the slices. Import lines only."""
