// swift-tools-version:6.0
// The module graph is the architecture; each module depends only on the ones above it here:
//   COpenBLAS → LinearAlgebra → Vocabulary → Instances, Solver, Training → Experiments → Reports
//     → FigureChecks → neurec
// Vocabulary holds the types every layer shares (the trial grid, the instance, the network kinds);
// NumpyFiles (.npy I/O), Figures (Cairo + Pango) and CCmarkGFM are leaves used where needed.
// Every target lists exactly the modules its sources import: scripts/check-module-graph fails
// otherwise (scripts/test runs it).
import PackageDescription

let package = Package(
    name: "neurec",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "neurec", targets: ["neurec"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    ],
    targets: [
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev", "liblapacke-dev"])]),
        .systemLibrary(name: "CCairo", pkgConfig: "pangocairo",
                       providers: [.apt(["libcairo2-dev", "libpango1.0-dev"])]),
        .systemLibrary(name: "CCmarkGFM", pkgConfig: "libcmark-gfm",
                       providers: [.apt(["libcmark-gfm-dev", "libcmark-gfm-extensions-dev"])]),

        // Each module's README.md states what it promises; it is documentation, not a resource.
        // Matrix is generic over Double and Float: without its bodies the other modules ran it
        // unspecialized, copying each entry through value witnesses (9 % of a d = 500 boundary probe).
        .target(name: "LinearAlgebra", dependencies: ["COpenBLAS"], exclude: ["README.md"],
                swiftSettings: [.unsafeFlags(["-cross-module-optimization"])]),
        .target(name: "NumpyFiles", exclude: ["README.md"]),
        .target(name: "Vocabulary", dependencies: ["LinearAlgebra", "NumpyFiles"], exclude: ["README.md"]),
        .target(name: "Instances", dependencies: ["LinearAlgebra", "Vocabulary"], exclude: ["README.md"]),
        .target(name: "Solver", dependencies: ["LinearAlgebra", "Vocabulary"], exclude: ["README.md"]),
        .target(name: "Training", dependencies: ["LinearAlgebra", "Vocabulary"], exclude: ["README.md"]),
        .target(name: "Figures", dependencies: ["CCairo", "NumpyFiles", "Vocabulary"], exclude: ["README.md"]),
        .target(name: "Experiments", dependencies: [
            "LinearAlgebra", "Instances", "Solver", "Training", "NumpyFiles", "Vocabulary",
        ], exclude: ["README.md"]),
        .target(name: "Reports", dependencies: [
            "Experiments", "Figures", "Instances", "CCmarkGFM", "CCairo", "NumpyFiles", "Vocabulary",
            .product(name: "Yams", package: "Yams"),
        ], exclude: ["README.md"]),
        .target(name: "FigureChecks", dependencies: [
            "Figures", "NumpyFiles", "CCairo", "Experiments", "Reports", "Vocabulary",
        ], exclude: ["README.md"]),
        .executableTarget(name: "neurec", dependencies: [
            "LinearAlgebra", "Instances", "Solver", "Training", "Figures", "Experiments", "Reports",
            "FigureChecks", "Vocabulary",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // Shared by the test targets: fixtures, a seeded generator, temporary folders, the built executable.
        .target(name: "TestSupport", dependencies: ["LinearAlgebra"], path: "Tests/TestSupport"),
        .testTarget(name: "LinearAlgebraTests", dependencies: ["LinearAlgebra", "TestSupport"]),
        .testTarget(name: "NumpyFilesTests", dependencies: ["NumpyFiles", "TestSupport"]),
        .testTarget(name: "VocabularyTests", dependencies: ["Vocabulary", "LinearAlgebra", "NumpyFiles", "TestSupport"]),
        .testTarget(name: "InstancesTests", dependencies: ["Instances", "LinearAlgebra", "TestSupport", "Vocabulary"]),
        .testTarget(name: "SolverTests", dependencies: ["Solver", "LinearAlgebra", "TestSupport", "Vocabulary"]),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "LinearAlgebra", "TestSupport", "Vocabulary"]),
        .testTarget(name: "FiguresTests", dependencies: ["Figures", "CCairo", "NumpyFiles", "TestSupport"], exclude: ["Golden"]),
        .testTarget(name: "ExperimentsTests", dependencies: ["Experiments", "Instances", "LinearAlgebra", "Solver", "TestSupport", "Vocabulary"]),
        .testTarget(name: "ReportsTests", dependencies: ["Reports", "Experiments", "Figures", "Instances", "TestSupport", "Vocabulary"]),
        .testTarget(name: "FigureChecksTests", dependencies: ["FigureChecks", "Figures", "NumpyFiles", "TestSupport"]),
        // Tests that run the built `neurec` executable; they fail when it has not been built.
        .testTarget(name: "CLITests", dependencies: ["Experiments", "Figures", "Instances", "NumpyFiles", "TestSupport"]),
    ]
)
