"""Case-example extraction: one locality's practice as a document reports it (典型案例).

A document's passages are split into cases by the place they are about (`build`), and each case is filled with
practice names, figures, people, quotes and themes by small rule-based extractors, every field with the passage
it came from.
"""
