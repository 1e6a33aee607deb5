// How an operator code is read: the byte field of pre-2020 files and today's int32 field.

import Testing
@testable import Ch01TFLiteFile

@Test func `an old file with only the byte field names its operator there`() {
    let code = OperatorCode(deprecatedBuiltinCode: 9, builtinCode: 0, customCode: nil, version: 1)
    #expect(code.code == 9)
    #expect(code.name == "FULLY_CONNECTED")
}

@Test func `a code above 127 lives in the int32 field, the byte field pinned at 127`() {
    let code = OperatorCode(deprecatedBuiltinCode: 127, builtinCode: 209, customCode: nil, version: 1)
    #expect(code.code == 209)
}

@Test func `QUANTIZE is code 114 in the current field`() {
    let code = OperatorCode(deprecatedBuiltinCode: 114, builtinCode: 114, customCode: nil, version: 1)
    #expect(code.name == "QUANTIZE")
}

@Test(arguments: SupportedOperator.allCases)
func `every supported operator's code names it back`(op: SupportedOperator) {
    #expect(SupportedOperator(code: op.code) == op)
    #expect(BuiltinOperatorName.name(of: op.code) == op.rawValue)
}

@Test(arguments: Array(Int8.min...Int8.max))
func `every activation code either names an activation or is refused`(code: Int8) {
    let activation = ActivationFunction(code: code)
    #expect((activation != nil) == (0...5).contains(code))
}
