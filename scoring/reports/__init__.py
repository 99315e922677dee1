"""PDF reports (issue 6): a unit's scorecard and a block's ranking table, drawn with ReportLab.

Pure rendering: plain values in (a selectors.scorecards.Scorecard, results rows and legend), PDF bytes out; no
query runs here. DejaVu Sans (static/fonts) is embedded so Vietnamese diacritics print on any machine."""
