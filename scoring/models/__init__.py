from .accounts import Role, SetPasswordLink, User
from .assessments import Assessment, AssessmentStatus, Cycle, DeadlineKind, LeafScore, ReasonTemplate, Reminder
from .audit import AuditEntry, AuditSource
from .evidence import Evidence, EvidenceFile
from .frameworks import Criterion, Framework, GradeTier, Method
from .indices import EditionSource, EditionState, Index, IndexEdition, IndexResult, Scale, SubIndexResult
from .jobs import Job, JobStatus
from .planning import Scenario
from .results import Publication, UnitResult
from .units import Agency, Block, Unit

__all__ = [
    "Agency", "Assessment", "EditionSource", "EditionState", "Index", "IndexEdition", "IndexResult", "Scale",
    "SubIndexResult", "AssessmentStatus", "AuditEntry", "AuditSource", "Block", "Criterion", "Cycle",
    "DeadlineKind", "Evidence", "EvidenceFile", "Framework", "GradeTier", "Job", "JobStatus", "LeafScore", "Method",
    "Publication", "ReasonTemplate", "Reminder", "Role", "Scenario", "SetPasswordLink", "Unit", "UnitResult", "User",
]
