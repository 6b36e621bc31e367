"""Reports over a whole register: every asset of an inventory, a DORA register or the store answered at once.

:mod:`.register` makes the report (one row per asset, totals per instrument and provider,
the incomplete answers and why) and writes it as JSON, CSV, Markdown or one offline HTML
file with each asset's exposure map.
"""
