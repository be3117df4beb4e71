# This file is part of the court platform.  See LICENSE.
