from .accounts import Role, User
from .jobs import Job, JobStatus
from .frameworks import Criterion, Framework, GradeTier, Method
from .units import Agency, Block, Unit

__all__ = ["Agency", "Block", "Criterion", "Framework", "GradeTier", "Job", "JobStatus", "Method", "Role", "Unit", "User"]
