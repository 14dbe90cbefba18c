// swift-tools-version:6.0
// The module graph is the architecture; each module depends only on the ones above it here:
//   COpenBLAS → LinearAlgebra → Instances → Solver, Training → Experiments → Figures, Reports → neurec
// NumpyFiles (.npy I/O) and CCairo (Cairo + Pango) are leaves used where needed.
import PackageDescription

let package = Package(
    name: "neurec",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "neurec", targets: ["neurec"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev", "liblapacke-dev"])]),
        .systemLibrary(name: "CCairo", pkgConfig: "pangocairo",
                       providers: [.apt(["libcairo2-dev", "libpango1.0-dev"])]),

        .target(name: "LinearAlgebra", dependencies: ["COpenBLAS"]),
        .target(name: "NumpyFiles", exclude: ["README.md"]),
        .target(name: "Instances", dependencies: ["LinearAlgebra"]),
        .target(name: "Solver", dependencies: ["LinearAlgebra", "Instances"]),
        .target(name: "Training", dependencies: ["LinearAlgebra", "Instances"]),
        .target(name: "Figures", dependencies: ["CCairo", "NumpyFiles"], exclude: ["README.md"]),
        .executableTarget(name: "neurec", dependencies: [
            "LinearAlgebra", "NumpyFiles", "Instances", "Solver", "Training", "Figures",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        .testTarget(name: "LinearAlgebraTests", dependencies: ["LinearAlgebra"]),
        .testTarget(name: "NumpyFilesTests", dependencies: ["NumpyFiles"]),
        .testTarget(name: "InstancesTests", dependencies: ["Instances", "LinearAlgebra"]),
        .testTarget(name: "SolverTests", dependencies: ["Solver", "Instances", "LinearAlgebra"]),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "Instances", "LinearAlgebra"]),
        .testTarget(name: "FiguresTests", dependencies: ["Figures", "NumpyFiles"], exclude: ["Golden"]),
    ]
)
