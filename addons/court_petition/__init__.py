# This file is part of the court platform.  See LICENSE.
"Litigation-related petitions and leader-owned key cases."
