# engine11.cmake - tests for the engine and director semantics of issue 11.
