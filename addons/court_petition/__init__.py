# This file is part of the court platform.  See LICENSE.
"Litigation-related petitions (涉诉信访) and leader-owned key petitions."
