"""The words, charts and table formats of each measure's chapter of the paper.

Each module here describes the results of the measures module of the same name
(:mod:`evaluation.measures`), which computes them: sentences, findings, charts and
display tables. Nothing here computes an indicator."""
