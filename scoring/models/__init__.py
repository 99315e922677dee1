from .accounts import Role, User
from .frameworks import Criterion, Framework, GradeTier, Method
from .units import Agency, Block, Unit

__all__ = ["Agency", "Block", "Criterion", "Framework", "GradeTier", "Method", "Role", "Unit", "User"]
