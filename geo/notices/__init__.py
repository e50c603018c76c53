"""Notices (通知公告): written by a supervisor's department, reviewed and published through
`geo.workflow`, addressed to areas and roles, read with receipts. See geo/README.md."""
