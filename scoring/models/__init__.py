from .accounts import Role, User
from .assessments import Assessment, AssessmentStatus, Cycle, LeafScore
from .audit import AuditEntry, AuditSource
from .frameworks import Criterion, Framework, GradeTier, Method
from .jobs import Job, JobStatus
from .results import Publication, UnitResult
from .units import Agency, Block, Unit

__all__ = [
    "Agency", "Assessment", "AssessmentStatus", "AuditEntry", "AuditSource", "Block", "Criterion", "Cycle",
    "Framework", "GradeTier", "Job", "JobStatus", "LeafScore", "Method", "Publication", "Role", "Unit", "UnitResult", "User",
]
