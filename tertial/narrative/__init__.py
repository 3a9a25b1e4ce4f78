"""Narrative consistency: numbers and counts written in free texts, checked against the data.

Published reports often say "Av nämndens 27 mål" where there are 25 nämndmål, or "ett överskott
om 15,0 mnkr" where the table says otherwise. The texts are typed by hand; the data is not. Here
we read the few phrase shapes that state a count, an assessment or an amount, and compare them
with the report model. The parsing is deliberately narrow: a phrase we do not understand is
skipped, because a false alarm teaches contributors to ignore the warnings.

Each kind of phrase has its module: `counts` (how many goals or indicators are met), `assessment` (a goal's
assessment in words), `amounts` (överskott/underskott and omslutningsförändringar), `references` (bilagor) and
`adjustments` (budget requests in decision points), `economy_texts` (sums written in prose, the units' amounts in an
area text, amounts before requested adjustments, budgetföljsamhet and prognossäkerhet; `speakers` reads whom an amount
speaks for) and `cross_references` (bilaga N against its title, pasted paragraphs, misquoted goal titles).
`tertial.report_checks` runs them all.
"""
