# This file is part of the court platform.  See LICENSE.
"Grid-based judge liaison points (法官进网格)."
