"""Reads of the appraisal (issue 3). leaf_history() feeds templates/scoring/_leaf_history.html and
leaf_appraisal() feeds templates/scoring/_leaf_appraisal.html; the leaf page includes both."""


def leaf_history(leaf_score) -> list:
    """The audited changes of one leaf, newest first, and its self-score beside each appraisal round."""
    return []


def leaf_appraisal(user, leaf_score) -> dict:
    """The board's box on the leaf page: round-1 and round-2 decisions, the question asked, the unit's answer, and
    the form when `user` may appraise this leaf now."""
    return {"leaf_score": leaf_score, "can_appraise": False}
