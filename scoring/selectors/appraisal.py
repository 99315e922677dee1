"""Reads of the appraisal (issue 3). leaf_history() feeds templates/scoring/_leaf_history.html, which the leaf
page includes."""


def leaf_history(leaf_score) -> list:
    """The audited changes of one leaf, newest first, and its self-score beside each appraisal round."""
    return []
