import Testing

@testable import AWS

@Suite("XML reader and shared-file parser")
struct ParserTests {
    @Test("reads a Query reply: prolog, namespaces, entities, CDATA, comments, self-closing tags")
    func xmlReply() throws {
        let root = try XMLReader.parse(
            """
            <?xml version="1.0" encoding="UTF-8"?>
            <!-- reply -->
            <PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">
              <PublishResult><MessageId>id-1</MessageId><Empty/><Note><![CDATA[a <raw> & b]]></Note></PublishResult>
              <ResponseMetadata><RequestId>req &amp; &lt;1&gt; &#233;&#x263A;</RequestId></ResponseMetadata>
            </PublishResponse>
            """)
        #expect(root.localName == "PublishResponse")
        #expect(root.attributes["xmlns"] == "http://sns.amazonaws.com/doc/2010-03-31/")
        #expect(root.path("PublishResult", "MessageId")?.text == "id-1")
        #expect(root.first(named: "Empty")?.text == "")
        #expect(root.first(named: "Note")?.text == "a <raw> & b")
        #expect(root.first(named: "RequestId")?.text == "req & <1> é☺")
    }

    @Test("reads a Query error reply")
    func xmlError() throws {
        let root = try XMLReader.parse(
            "<ErrorResponse><Error><Type>Sender</Type><Code>DBInstanceNotFound</Code><Message>DBInstance x not found.</Message></Error><RequestId>r1</RequestId></ErrorResponse>"
        )
        #expect(root.first(named: "Error")?.string("Code") == "DBInstanceNotFound")
        #expect(root.string("RequestId") == "r1")
    }

    @Test("rejects broken XML with an offset", arguments: ["", "<a><b></a>", "<a>", "text only", "<a x=1></a>"])
    func xmlBroken(_ text: String) {
        #expect(throws: XMLReadError.self) { try XMLReader.parse(text) }
    }

    @Test("INI: sections, comments, nested service settings")
    func ini() {
        let sections = INIParser.parse(
            """
            # comment
            [profile dev]
            region = eu-west-1 ; trailing comment
            services = emu
            s3 =
              addressing_style = path
            [services emu]
            sqs =
              endpoint_url = http://127.0.0.1:4566
            [  default  ]
            aws_access_key_id=AKIA
            """)
        #expect(INIParser.flat(sections["profile dev"]!)["region"] == "eu-west-1")
        #expect(INIParser.flat(sections["profile dev"]!)["services"] == "emu")
        #expect(INIParser.nested(sections["profile dev"]!)["s3"]?["addressing_style"] == "path")
        #expect(INIParser.nested(sections["services emu"]!)["sqs"]?["endpoint_url"] == "http://127.0.0.1:4566")
        #expect(INIParser.flat(sections["default"]!)["aws_access_key_id"] == "AKIA")
    }

    @Test(
        "JSON error codes: namespace and suffix dropped",
        arguments: [
            ("com.amazonaws.sqs#QueueDoesNotExist", "QueueDoesNotExist"),
            ("aws.protocoltests.restjson#FooError:http://internal.amazon.com/coral/com.amazon.coral.validate/", "FooError"),
            ("ThrottlingException", "ThrottlingException"),
        ])
    func errorCodes(_ raw: String, _ expected: String) {
        #expect(AWSClient.cleanCode(raw) == expected)
    }

    @Test("RedrivePolicy parses with a numeric or string maxReceiveCount")
    func redrivePolicy() {
        #expect(RedrivePolicy(json: #"{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:1:d.fifo","maxReceiveCount":3}"#)?.maxReceiveCount == 3)
        #expect(
            RedrivePolicy(json: #"{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:1:d.fifo","maxReceiveCount":"5"}"#)?.maxReceiveCount == 5)
        #expect(RedrivePolicy(json: "nonsense") == nil)
    }
}
