public import DriftlineCore
