import Foundation
import TestSupport


let popplerAvailable = which("pdfinfo") != nil && which("pdftoppm") != nil && which("pdfimages") != nil
