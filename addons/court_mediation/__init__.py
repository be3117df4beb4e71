# This file is part of the court platform.  See LICENSE.
"Pre-litigation mediation and the invited-mediator roster."
