// SPDX-License-Identifier: Apache-2.0
package dev.vend.verify.aws;

import dev.vend.Lazy;
import dev.vend.verify.VendingFailure;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.xml.sax.SAXException;

/**
 * The one XML parser Vend reads STS's answers with, successful or not: namespace aware, no DTD,
 * no external entities, schemas or XInclude, secure processing on. The factory is configured
 * once, on the first answer (looking one up costs more than parsing an answer); each answer gets
 * a parser of its own. Thread-safe.
 */
final class StsXml {

    /** The namespace of every STS query-protocol answer. */
    static final String NAMESPACE = "https://sts.amazonaws.com/doc/2011-06-15/";

    /** The configured factory; a factory is not thread-safe, so it is used under its lock. */
    private static final Lazy<DocumentBuilderFactory> FACTORY = new Lazy<>(StsXml::safeFactory);

    private StsXml() {
    }

    /**
     * Parses an answer.
     *
     * @throws SAXException if the bytes are not well-formed XML, or declare a DTD
     * @throws IOException if the parser can not read them
     * @throws VendingFailure (permanent) if the JVM's parser can not be made safe
     */
    static Document parse(byte[] xml) throws SAXException, IOException {
        DocumentBuilderFactory factory = FACTORY.get();
        DocumentBuilder builder;
        try {
            synchronized (factory) {
                builder = factory.newDocumentBuilder();
            }
        } catch (ParserConfigurationException e) {
            throw VendingFailure.permanent("XML parser can not be made safe", e);
        }
        builder.setErrorHandler(null);
        return builder.parse(new ByteArrayInputStream(xml));
    }

    private static DocumentBuilderFactory safeFactory() {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
            factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            factory.setFeature(
                    "http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            factory.setXIncludeAware(false);
            factory.setExpandEntityReferences(false);
            return factory;
        } catch (ParserConfigurationException e) {
            throw VendingFailure.permanent("XML parser can not be made safe", e);
        }
    }
}
