from .accounts import Role, User
from .assessments import Assessment, AssessmentStatus, Cycle, DeadlineKind, LeafScore, ReasonTemplate, Reminder
from .audit import AuditEntry, AuditSource
from .evidence import Evidence, EvidenceFile
from .frameworks import Criterion, Framework, GradeTier, Method
from .jobs import Job, JobStatus
from .notices import Notice, NoticeKind
from .planning import Scenario
from .results import Publication, UnitResult
from .units import Agency, Block, Unit

__all__ = [
    "Agency", "Assessment", "AssessmentStatus", "AuditEntry", "AuditSource", "Block", "Criterion", "Cycle",
    "DeadlineKind", "Evidence", "EvidenceFile", "Framework", "GradeTier", "Job", "JobStatus", "LeafScore", "Method",
    "Notice", "NoticeKind",
    "Publication", "ReasonTemplate", "Reminder", "Role", "Scenario", "Unit", "UnitResult", "User",
]
