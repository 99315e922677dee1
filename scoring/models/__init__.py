from .accounts import Role, SetPasswordLink, User
from .assessments import (AgencyRound, Assessment, AssessmentStatus, Cycle, DeadlineKind, LateDecision, LeafScore,
                          ReasonTemplate, Reminder, RosterEntry)
from .audit import AuditEntry, AuditSource
from .evidence import Evidence, EvidenceFile
from .frameworks import Criterion, Framework, GradeTier, Method, Pillar
from .indices import EditionSource, EditionState, Index, IndexEdition, IndexResult, Scale, SubIndexResult
from .jobs import Job, JobStatus
from .notices import Notice, NoticeKind
from .planning import Scenario
from .results import Publication, UnitResult
from .units import Agency, Block, Unit

__all__ = [
    "Agency", "AgencyRound", "Assessment", "AssessmentStatus", "AuditEntry", "AuditSource", "Block", "Criterion",
    "Cycle", "DeadlineKind", "EditionSource", "EditionState", "Evidence", "EvidenceFile", "Framework", "GradeTier",
    "Index", "IndexEdition", "IndexResult", "Job", "JobStatus", "LateDecision", "LeafScore", "Method", "Notice",
    "NoticeKind", "Pillar", "Publication", "ReasonTemplate", "Reminder", "Role", "RosterEntry", "Scale", "Scenario",
    "SetPasswordLink", "SubIndexResult", "Unit", "UnitResult", "User",
]
