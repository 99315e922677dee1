"""Reads of evidence (issue 3). evidence_panel() feeds templates/scoring/_evidence_panel.html, which the leaf page
includes."""


def evidence_panel(user, leaf_score) -> dict:
    """What the evidence box of one leaf shows to `user`: the documents, flags and what they may do."""
    return {"leaf_score": leaf_score, "items": [], "can_add": False}
