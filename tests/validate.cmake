# validate.cmake - tests for kizuna validate and the validation cases.
