"""Enterprise pages (企业一企一档页面): list with filters, counts by division and export;
the detail page with every section of the file and its site map (a page map)."""
