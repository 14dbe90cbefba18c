// swift-tools-version:6.0
// The module graph is the architecture; each module depends only on the ones above it here:
//   COpenBLAS → LinearAlgebra → Instances → Solver, Training → Experiments → Reports → neurec
// NumpyFiles (.npy I/O), Figures (Cairo + Pango), FigureChecks (baseline comparison) and CCmarkGFM
// are leaves used where needed.
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
        .target(name: "LinearAlgebra", dependencies: ["COpenBLAS"], exclude: ["README.md"]),
        .target(name: "NumpyFiles", exclude: ["README.md"]),
        .target(name: "Instances", dependencies: ["LinearAlgebra"], exclude: ["README.md"]),
        .target(name: "Solver", dependencies: ["LinearAlgebra", "Instances"], exclude: ["README.md"]),
        .target(name: "Training", dependencies: ["LinearAlgebra", "Instances"], exclude: ["README.md"]),
        .target(name: "Figures", dependencies: ["CCairo", "NumpyFiles"], exclude: ["README.md"]),
        .target(name: "Experiments", dependencies: ["LinearAlgebra", "Instances", "Solver", "Training", "NumpyFiles"],
                exclude: ["README.md"]),
        .target(name: "Reports", dependencies: [
            "Experiments", "Figures", "NumpyFiles", "CCmarkGFM", "CCairo",
            .product(name: "Yams", package: "Yams"),
        ], exclude: ["README.md"]),
        .target(name: "FigureChecks", dependencies: ["Figures", "NumpyFiles", "CCairo"], exclude: ["README.md"]),
        .executableTarget(name: "neurec", dependencies: [
            "LinearAlgebra", "NumpyFiles", "Instances", "Solver", "Training", "Figures", "Experiments", "Reports",
            "FigureChecks",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // Shared by the test targets: fixtures, a seeded generator, the built executable.
        .target(name: "TestSupport", dependencies: ["LinearAlgebra"], path: "Tests/TestSupport"),
        .testTarget(name: "LinearAlgebraTests", dependencies: ["LinearAlgebra", "TestSupport"]),
        .testTarget(name: "NumpyFilesTests", dependencies: ["NumpyFiles"]),
        .testTarget(name: "InstancesTests", dependencies: ["Instances", "LinearAlgebra", "TestSupport"]),
        .testTarget(name: "SolverTests", dependencies: ["Solver", "Instances", "LinearAlgebra", "TestSupport"]),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "Instances", "LinearAlgebra", "TestSupport"]),
        .testTarget(name: "FiguresTests", dependencies: ["Figures", "NumpyFiles", "TestSupport"], exclude: ["Golden"]),
        .testTarget(name: "ExperimentsTests", dependencies: ["Experiments", "Instances", "LinearAlgebra", "NumpyFiles", "Solver", "TestSupport"]),
        .testTarget(name: "ReportsTests", dependencies: ["Reports", "Experiments", "Figures", "TestSupport"]),
        .testTarget(name: "FigureChecksTests", dependencies: ["FigureChecks", "Figures", "NumpyFiles", "TestSupport"]),
    ]
)
