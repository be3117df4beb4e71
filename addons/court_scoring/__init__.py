# This file is part of the court platform.  See LICENSE.
"Evaluation of courts against the model-court standard."
