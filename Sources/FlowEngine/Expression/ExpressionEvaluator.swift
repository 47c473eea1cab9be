/// Runs compiled instructions on a value stack. One step per instruction executed.
enum ExpressionEvaluator {
    static func run(_ code: [ExpressionInstruction], context: JSONValue, limits: ExpressionLimits) throws(ExpressionError) -> JSValue {
        var stack: [JSEvalValue] = []
        var pc = 0
        var steps = 0

        func pop() -> JSEvalValue { stack.popLast() ?? .undefined }

        func popArguments(_ count: Int) -> [JSEvalValue] {
            let n = min(count, stack.count)
            let arguments = Array(stack.suffix(n))
            stack.removeLast(n)
            return arguments
        }

        while pc < code.count {
            steps += 1
            if steps > limits.maxSteps {
                throw ExpressionError(
                    kind: .tooManySteps, message: "Evaluation exceeded \(limits.maxSteps) steps", column: nil)
            }
            let instruction = code[pc]
            pc += 1
            do throws(ExpressionError) {
                switch instruction {
                case .push(let value):
                    stack.append(JSEvalValue(value))
                case .loadContext:
                    stack.append(JSEvalValue(JSValue(context), identity: []))
                case .getProperty(let name, _):
                    let base = pop()
                    stack.append(try ExpressionBuiltins.getProperty(base, name))
                case .getPropertyComputed:
                    let key = pop()
                    let base = pop()
                    let name = try JSOperations.propertyKey(key.value)
                    stack.append(try ExpressionBuiltins.getProperty(base, name))
                case .getMethod(let name, _):
                    let base = pop()
                    let function = try ExpressionBuiltins.getProperty(base, name)
                    stack.append(base)
                    stack.append(function)
                case .jumpIfNullish(let target, let drop):
                    switch stack.last?.value {
                    case .undefined?, .null?:
                        stack.removeLast(min(drop, stack.count))
                        stack.append(.undefined)
                        pc = target
                    default:
                        break
                    }
                case .callMethod(let count, _, let callee):
                    let arguments = popArguments(count)
                    let function = pop()
                    let this = pop()
                    guard case .function(let f) = function.value else {
                        throw .typeError("\(callee) is not a function", nil)
                    }
                    stack.append(JSEvalValue(try ExpressionBuiltins.call(f, this: this, arguments: arguments)))
                case .callGlobal(let function, let count):
                    let arguments = popArguments(count)
                    stack.append(JSEvalValue(try ExpressionBuiltins.call(function, arguments: arguments)))
                case .unary(let op, _):
                    let operand = pop().value
                    switch op {
                    case .not: stack.append(JSEvalValue(.bool(!operand.isTruthy)))
                    case .negate: stack.append(JSEvalValue(.number(-(try operand.toNumber()))))
                    case .plus: stack.append(JSEvalValue(.number(try operand.toNumber())))
                    }
                case .binary(let op, _):
                    let right = pop()
                    let left = pop()
                    stack.append(JSEvalValue(try binary(op, left, right)))
                case .jumpIfFalsyElsePop(let target):
                    if stack.last?.value.isTruthy == false { pc = target } else { _ = pop() }
                case .jumpIfTruthyElsePop(let target):
                    if stack.last?.value.isTruthy == true { pc = target } else { _ = pop() }
                case .jumpIfNotNullishElsePop(let target):
                    switch stack.last?.value {
                    case .undefined?, .null?, nil: _ = pop()
                    default: pc = target
                    }
                case .popJumpIfFalsy(let target):
                    if !pop().value.isTruthy { pc = target }
                case .jump(let target):
                    pc = target
                }
            } catch {
                throw error.column == nil ? error.at(column(of: instruction)) : error
            }
        }
        return stack.last?.value ?? .undefined
    }

    private static func column(of instruction: ExpressionInstruction) -> Int? {
        switch instruction {
        case .getProperty(_, let c), .getPropertyComputed(let c), .getMethod(_, let c), .callMethod(_, let c, _),
            .unary(_, let c), .binary(_, let c):
            c
        default: nil
        }
    }

    private static func binary(_ op: ExpressionBinaryOperator, _ left: JSEvalValue, _ right: JSEvalValue) throws(ExpressionError) -> JSValue {
        let l = left.value
        let r = right.value
        switch op {
        case .add: return try JSOperations.add(l, r)
        case .subtract: return .number(try l.toNumber() - r.toNumber())
        case .multiply: return .number(try l.toNumber() * r.toNumber())
        case .divide: return .number(try l.toNumber() / r.toNumber())
        case .remainder: return .number(try l.toNumber().truncatingRemainder(dividingBy: r.toNumber()))
        case .less: return .bool(try JSOperations.lessThan(l, r, leftFirst: true) == true)
        case .greater: return .bool(try JSOperations.lessThan(r, l, leftFirst: false) == true)
        case .lessOrEqual: return .bool(try JSOperations.lessThan(r, l, leftFirst: false) == false)
        case .greaterOrEqual: return .bool(try JSOperations.lessThan(l, r, leftFirst: true) == false)
        case .looseEqual: return .bool(try JSOperations.looseEquals(left, right))
        case .looseNotEqual: return .bool(!(try JSOperations.looseEquals(left, right)))
        case .strictEqual: return .bool(JSOperations.strictEquals(left, right))
        case .strictNotEqual: return .bool(!JSOperations.strictEquals(left, right))
        }
    }
}

extension ExpressionError {
    func at(_ column: Int?) -> ExpressionError {
        ExpressionError(kind: kind, message: message, column: column)
    }
}
